package dev.chorus.engine.hmm.bridge;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.config.AbstractConfiguration;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.LoggerConfig;

/**
 * Sets up logging for everything in this class loader before MaryTTS starts: warnings and errors go to
 * {@link System.Logger}, everything else is dropped, and nothing is written to files or the console.
 *
 * <p>MaryTTS logs through the log4j 1.2 API and on start-up hands log4j a properties file that would write INFO
 * lines to {@code ./log/server.log}. The log4j 2 bridge here ignores that call (log4j 1 compatibility is off), so
 * the configuration installed here is the one that stays in force.
 */
final class MaryLogging {

    private static final String SELF_TEST_NOISE = "marytts.TextToMaryXML";

    private static boolean installed;

    private MaryLogging() {
    }

    /** Installs the configuration once per class loader. */
    static synchronized void install() {
        if (!installed) {
            Configurator.initialize(MaryLogging.class.getClassLoader(), new ToSystemLogger());
            installed = true;
        }
    }

    /** A configuration built in code, so no configuration file (nor a system property naming one) is consulted. */
    private static final class ToSystemLogger extends AbstractConfiguration {

        ToSystemLogger() {
            super(null, ConfigurationSource.NULL_SOURCE);
            setName("chorus-hmm");
        }

        @Override
        protected void doConfigure() {
            Appender appender = new SystemLoggerAppender();
            appender.start();
            addAppender(appender);
            LoggerConfig root = getRootLogger();
            root.setLevel(Level.WARN);
            root.addAppender(appender, null, null);
            // Its one warning comes from MaryTTS's start-up self-test, which feeds it text without a locale.
            LoggerConfig textToXml = new LoggerConfig(SELF_TEST_NOISE, Level.ERROR, false);
            textToXml.addAppender(appender, null, null);
            addLogger(SELF_TEST_NOISE, textToXml);
        }
    }
}
