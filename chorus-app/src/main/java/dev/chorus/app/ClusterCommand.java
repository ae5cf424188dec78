package dev.chorus.app;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code chorus cluster status}: a gateway's view of its workers, from {@code GET /admin/cluster}. */
@Command(name = "cluster", mixinStandardHelpOptions = true, description = "Look at a Chorus cluster.",
        subcommands = {ClusterCommand.Status.class})
final class ClusterCommand {

    /** {@code chorus cluster status}. */
    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Print every worker a gateway knows: state, backlog, load and voices.",
            footer = {"", "Exit status: 0 shown, 1 the gateway could not be asked or refused."})
    static final class Status implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--url", paramLabel = "URL", defaultValue = "http://127.0.0.1:8080",
                description = "The gateway's base URL (default ${DEFAULT-VALUE}).")
        String url;

        @Option(names = "--admin-key", paramLabel = "KEY",
                description = "The gateway's admin key (default: $CHORUS_ADMIN_KEY).")
        String adminKey;

        @Option(names = "--json", description = "Print the gateway's JSON as it is.")
        boolean json;

        @Override
        public Integer call() throws IOException, InterruptedException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            String key = adminKey != null ? adminKey : System.getenv("CHORUS_ADMIN_KEY");
            if (key == null || key.isBlank()) {
                err.println("chorus cluster status: no admin key (expected: --admin-key or CHORUS_ADMIN_KEY)");
                return 1;
            }
            HttpResponse<String> r;
            try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
                r = http.send(HttpRequest.newBuilder(URI.create(url.replaceAll("/+$", "") + "/admin/cluster"))
                        .header("Authorization", "Bearer " + key).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (IOException | IllegalArgumentException e) {
                err.println("chorus cluster status: cannot ask " + url + ": " + e.getMessage());
                return 1;
            }
            if (r.statusCode() != 200) {
                err.println("chorus cluster status: " + url + " answered " + r.statusCode() + ": " + r.body());
                return 1;
            }
            if (json) {
                out.println(r.body());
                return 0;
            }
            out.printf(Locale.ROOT, "%-24s %-9s %9s %6s %5s %6s %5s  %s%n", "WORKER", "STATE", "BACKLOG", "CPU",
                    "RUN", "SHARE", "EJECT", "VOICES (* resident)");
            for (String worker : r.body().split("\\{\"address\":")) {
                String address = field(worker, "^\"([^\"]+)\"");
                if (address == null) {
                    continue;
                }
                String backlog = field(worker, "\"backlog_seconds\":([0-9.eE-]+)");
                String cpu = field(worker, "\"cpu_load\":([0-9.eE-]+)");
                StringBuilder voices = new StringBuilder();
                Matcher v = Pattern.compile("\"id\":\"([^\"]+)\",\"version\":\"([^\"]*)\",\"resident\":(true|false)")
                        .matcher(worker);
                while (v.find()) {
                    voices.append(voices.isEmpty() ? "" : " ").append(v.group(1)).append('@').append(v.group(2))
                            .append(v.group(3).equals("true") ? "*" : "");
                }
                String share = field(worker, "\"traffic_share\":([0-9.eE-]+)");
                out.printf(Locale.ROOT, "%-24s %-9s %9s %6s %5s %6s %5s  %s%n", address,
                        field(worker, "\"state\":\"([a-z]+)\""),
                        backlog == null ? "-" : String.format(Locale.ROOT, "%.2fs", Double.parseDouble(backlog)),
                        cpu == null ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * Double.parseDouble(cpu)),
                        field(worker, "\"outstanding\":([0-9]+)"),
                        share == null ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * Double.parseDouble(share)),
                        field(worker, "\"ejections\":([0-9]+)"), voices);
            }
            return 0;
        }

        private static String field(String text, String regex) {
            Matcher m = Pattern.compile(regex).matcher(text);
            return m.find() ? m.group(1) : null;
        }
    }
}
