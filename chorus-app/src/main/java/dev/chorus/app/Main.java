package dev.chorus.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code chorus} program. */
@Command(name = "chorus", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Chorus text-to-speech.",
        subcommands = {SayCommand.class, VoicesCommand.class, ServeCommand.class, TenantsCommand.class,
                BenchCommand.class, CheckCommand.class, ClusterCommand.class,
                JobsRaftCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {

    private Main() {
    }

    /** Runs the command line and exits with its status. */
    static void main(String[] args) {
        // Apache Ratis's own jar carries a shaded (renamed) Netty 4.1 whose version file keeps Netty's name, so the
        // HTTP server would warn at every start about "inconsistent Netty versions" that are not on the class path.
        if (System.getProperty(NETTY_VERSION_CHECK) == null) {
            System.setProperty(NETTY_VERSION_CHECK, "false");
        }
        System.exit(run(args));
    }

    private static final String NETTY_VERSION_CHECK = "com.linecorp.armeria.warnNettyVersions";

    /** Runs the command line and returns its exit status (see {@link ExitCodes}). */
    public static int run(String... args) {
        Logging.configure();
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler(new ErrorReporter());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        return cli.execute(args);
    }

    /** Reports the version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"chorus " + (v == null ? "dev" : v) + " (Java " + Runtime.version() + ")"};
        }
    }
}
