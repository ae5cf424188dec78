# syntax=docker/dockerfile:1
# Chorus text-to-speech server. Build:   docker build -t chorus .
# Run:  docker run --rm -p 8080:8080 --read-only --tmpfs /tmp -v chorus-data:/var/lib/chorus chorus
# Without Docker: scripts/image/build-oci.sh builds the same image (Debian minbase, eSpeak NG, a jlink runtime, this
# user, environment, ports, volumes and health check) as an OCI archive, and --verify runs it; or
# ./mvnw -Pjib -pl chorus-app -am package jib:buildTar (docs/kubernetes.md, "Image").

ARG BASE_JDK=eclipse-temurin:25-jdk
ARG BASE_JRE=eclipse-temurin:25-jre

FROM ${BASE_JDK} AS build
# Extra Maven arguments, read by Maven itself: --build-arg MAVEN_ARGS=-Pgpu builds ONNX Runtime's CUDA variant.
ARG MAVEN_ARGS=""
WORKDIR /src
# The Maven wrapper, then every module's sources; .dockerignore keeps build output and tools' folders out.
COPY . .
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -ntp -DskipTests -pl chorus-app -am package \
    && mkdir -p /out \
    && cp chorus-app/target/chorus-app.jar /out/ \
    && cp -r chorus-app/target/lib /out/lib

FROM ${BASE_JRE}
ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="Chorus" \
      org.opencontainers.image.description="Self-hosted text-to-speech: OpenAI-compatible REST and SSE, gRPC, Wyoming and MaryTTS APIs over MaryTTS, eSpeak NG and ONNX voices" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.base.name="docker.io/library/eclipse-temurin:25-jre"

# eSpeak NG (engine and phonemizer of the neural voices) is the only native library the engines load from the
# system; ONNX Runtime and SQLite bring theirs inside their jars and unpack them to /tmp.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libespeak-ng1 espeak-ng-data \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 chorus \
    && useradd --system --uid 10001 --gid chorus --home-dir /var/lib/chorus --shell /usr/sbin/nologin chorus \
    && mkdir -p /var/lib/chorus /var/cache/chorus /var/lib/chorus-voices \
    && chown chorus:chorus /var/lib/chorus /var/cache/chorus /var/lib/chorus-voices

COPY --from=build /out/lib/ /opt/chorus/lib/
COPY --from=build /out/chorus-app.jar /opt/chorus/chorus-app.jar
COPY deploy/docker/chorus /opt/chorus/bin/chorus
COPY deploy/docker/healthcheck /opt/chorus/bin/healthcheck

# Everything the server writes goes to these directories, so the root file system can be read-only.
ENV CHORUS_HOST=0.0.0.0 \
    CHORUS_PORT=8080 \
    CHORUS_DATA_DIR=/var/lib/chorus \
    CHORUS_VOICES=/var/lib/chorus-voices \
    XDG_CACHE_HOME=/var/cache/chorus \
    HOME=/var/lib/chorus \
    PATH="/opt/chorus/bin:${PATH}"
VOLUME ["/var/lib/chorus", "/var/cache/chorus", "/tmp"]
USER 10001:10001
WORKDIR /var/lib/chorus
EXPOSE 8080 8081
HEALTHCHECK --interval=15s --timeout=6s --start-period=60s --retries=3 CMD ["/opt/chorus/bin/healthcheck"]
ENTRYPOINT ["/opt/chorus/bin/chorus"]
CMD ["serve"]
