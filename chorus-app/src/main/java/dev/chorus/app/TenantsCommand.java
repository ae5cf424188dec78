package dev.chorus.app;

import dev.chorus.server.ApiKeyHash;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/** {@code chorus tenants}: helpers for the tenants file. */
@Command(name = "tenants", mixinStandardHelpOptions = true, description = "Helpers for the tenants file.",
        subcommands = TenantsCommand.HashKey.class)
final class TenantsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.BAD_INPUT;
    }

    /**
     * {@code chorus tenants hash-key}: makes a new random API key (or takes one) and prints the line that holds its
     * salted hash in the tenants file. The key itself is printed once, on standard error, and stored nowhere.
     */
    @Command(name = "hash-key", mixinStandardHelpOptions = true,
            description = {"Print the tenants-file entry (salted SHA-256 hash) for a new random API key, or for a "
                    + "given one.", "The new key is printed once on standard error; the file never holds keys."})
    static final class HashKey implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--id", paramLabel = "ID", defaultValue = "main",
                description = "The key's id within its tenant (default: ${DEFAULT-VALUE}).")
        String id;

        @Option(names = "--key", paramLabel = "KEY",
                description = "Hash this key instead of making one (it may then show in the shell's history; "
                        + "--stdin avoids that).")
        String key;

        @Option(names = "--stdin", description = "Read the key to hash from the first line of standard input.")
        boolean stdin;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (key != null && stdin) {
                err.println("chorus: --key and --stdin: give the key one way (expected: one of them, or neither "
                        + "for a new random key)");
                err.flush();
                return ExitCodes.BAD_INPUT;
            }
            String k = key;
            if (stdin) {
                k = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            }
            boolean made = k == null;
            if (made) {
                k = ApiKeyHash.newKey();
            }
            ApiKeyHash hash;
            try {
                hash = ApiKeyHash.of(k);
            } catch (IllegalArgumentException e) {
                err.println("chorus: " + e.getMessage());
                err.flush();
                return ExitCodes.BAD_INPUT;
            }
            if (made) {
                err.println("new API key (give it to the tenant; it is not stored anywhere): " + k);
                err.flush();
            }
            out.println("- {id: " + id + ", hash: \"" + hash + "\"}");
            out.flush();
            return ExitCodes.OK;
        }
    }
}
