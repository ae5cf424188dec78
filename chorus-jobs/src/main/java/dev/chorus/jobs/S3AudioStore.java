package dev.chorus.jobs;

import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectsRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.S3Configuration;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * An {@link AudioStore} in an S3-compatible object store (AWS S3, MinIO, Ceph, ...) through the AWS SDK v2, with
 * credentials from the SDK's default provider chain (environment, system properties, profile, web identity,
 * container or instance roles). Objects are written whole with one PUT (an object appears only once complete);
 * large results are first spooled to a temporary file. Downloads are proxied by the server, with ranges, or
 * fetched by clients from presigned URLs (SigV4 query-string signatures made locally: no request to the store).
 */
final class S3AudioStore implements AudioStore, AutoCloseable {

    private final S3Client s3;
    private final S3Presigner presigner;
    private final String bucket;
    private final String prefix;
    /** Whether the server takes DeleteObjects; cleared on the first refusal. */
    private volatile boolean batchDelete = true;

    S3AudioStore(S3Settings settings) {
        this.bucket = settings.bucket();
        this.prefix = settings.prefix();
        var b = S3Client.builder().httpClientBuilder(UrlConnectionHttpClient.builder())
                .forcePathStyle(settings.pathStyle())
                // Plain payload checksums only where S3 requires them: what every S3-compatible server takes.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        if (settings.region() != null) {
            b.region(Region.of(settings.region()));
        }
        if (settings.endpoint() != null) {
            b.endpointOverride(settings.endpoint());
        }
        this.s3 = b.build();
        // The same endpoint, region, addressing and credentials as the client: a presigned URL names the host the
        // client reaches (bucket.host for virtual-host addressing, host/bucket for path style).
        var p = S3Presigner.builder().serviceConfiguration(S3Configuration.builder()
                .pathStyleAccessEnabled(settings.pathStyle()).build());
        if (settings.region() != null) {
            p.region(Region.of(settings.region()));
        }
        if (settings.endpoint() != null) {
            p.endpointOverride(settings.endpoint());
        }
        this.presigner = p.build();
    }

    /**
     * Where an S3 audio store keeps its objects.
     *
     * @param bucket    the bucket ({@code jobs.s3.bucket})
     * @param prefix    a key prefix, empty or ending with {@code /} ({@code jobs.s3.prefix})
     * @param endpoint  the endpoint of a non-AWS store, or {@code null} for AWS ({@code jobs.s3.endpoint})
     * @param region    the region, or {@code null} for the provider chain's ({@code jobs.s3.region})
     * @param pathStyle whether buckets are addressed in the path rather than the host name ({@code jobs.s3.path-style})
     */
    public record S3Settings(String bucket, String prefix, URI endpoint, String region, boolean pathStyle) {
        public S3Settings {
            if (bucket == null || bucket.isBlank()) {
                throw new IllegalArgumentException("jobs.s3.bucket: '" + bucket + "' (expected: a bucket name)");
            }
            prefix = prefix == null ? "" : prefix;
            if (!prefix.isEmpty() && !prefix.endsWith("/")) {
                prefix = prefix + "/";
            }
        }
    }

    private String key(String key) {
        Objects.requireNonNull(key, "key");
        return prefix + key;
    }

    @Override
    public void put(String key, byte[] bytes) throws IOException {
        try {
            s3.putObject(PutObjectRequest.builder().bucket(bucket).key(key(key)).build(), RequestBody.fromBytes(bytes));
        } catch (RuntimeException e) {
            throw failed("storing " + key, e);
        }
    }

    @Override
    public void write(String key, Writer writer) throws IOException {
        Path tmp = Files.createTempFile("chorus-job-", ".part");
        try {
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                writer.writeTo(out);
            }
            s3.putObject(PutObjectRequest.builder().bucket(bucket).key(key(key)).build(), RequestBody.fromFile(tmp));
        } catch (RuntimeException e) {
            throw failed("storing " + key, e);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public OptionalLong size(String key) throws IOException {
        try {
            return OptionalLong.of(s3.headObject(HeadObjectRequest.builder().bucket(bucket).key(key(key)).build())
                    .contentLength());
        } catch (NoSuchKeyException e) {
            return OptionalLong.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return OptionalLong.empty();
            }
            throw failed("reading the size of " + key, e);
        } catch (RuntimeException e) {
            throw failed("reading the size of " + key, e);
        }
    }

    @Override
    public InputStream open(String key, long offset) throws IOException {
        try {
            GetObjectRequest.Builder r = GetObjectRequest.builder().bucket(bucket).key(key(key));
            if (offset > 0) {
                r.range("bytes=" + offset + "-");
            }
            return s3.getObject(r.build());
        } catch (RuntimeException e) {
            throw failed("reading " + key, e);
        }
    }

    @Override
    public void deleteAll(String keyPrefix) throws IOException {
        try {
            List<ObjectIdentifier> batch = new ArrayList<>();
            for (S3Object o : s3.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(bucket)
                    .prefix(key(keyPrefix)).build()).contents()) {
                batch.add(ObjectIdentifier.builder().key(o.key()).build());
                if (batch.size() == 1000) {
                    delete(batch);
                }
            }
            delete(batch);
        } catch (RuntimeException e) {
            throw failed("deleting " + keyPrefix, e);
        }
    }

    private void delete(List<ObjectIdentifier> batch) {
        if (batch.isEmpty()) {
            return;
        }
        if (batchDelete) {
            try {
                s3.deleteObjects(DeleteObjectsRequest.builder().bucket(bucket)
                        .delete(Delete.builder().objects(List.copyOf(batch)).quiet(true).build()).build());
                batch.clear();
                return;
            } catch (S3Exception e) {
                if (e.statusCode() != 501 && e.statusCode() != 400) {
                    throw e;
                }
                // Some S3-compatible servers take no multi-object delete (or not its checksum header): one by one.
                batchDelete = false;
            }
        }
        for (ObjectIdentifier o : batch) {
            s3.deleteObject(DeleteObjectRequest.builder().bucket(bucket).key(o.key()).build());
        }
        batch.clear();
    }

    @Override
    public boolean presigns() {
        return true;
    }

    @Override
    public URI presignedGet(String key, java.time.Duration validFor) {
        Objects.requireNonNull(validFor, "validFor");
        if (validFor.isNegative() || validFor.isZero() || validFor.compareTo(AudioDownload.MAX_VALID_FOR) > 0) {
            throw new IllegalArgumentException("validFor: " + validFor + " (expected: > 0 and <= " + AudioDownload.MAX_VALID_FOR
                    + ", SigV4's limit)");
        }
        try {
            return presigner.presignGetObject(r -> r.signatureDuration(validFor)
                    .getObjectRequest(g -> g.bucket(bucket).key(key(key)))).url().toURI();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("presigned URL of " + key + ": " + e.getMessage(), e);
        }
    }

    private IOException failed(String what, RuntimeException e) {
        return new IOException("s3://" + bucket + "/" + prefix + ": " + what + ": " + e.getMessage(), e);
    }

    @Override
    public void close() {
        presigner.close();
        s3.close();
    }
}
