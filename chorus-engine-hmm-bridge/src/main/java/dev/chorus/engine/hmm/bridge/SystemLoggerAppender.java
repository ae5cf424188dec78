package dev.chorus.engine.hmm.bridge;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** Hands log4j events to the JDK's {@link System.Logger} of the same name, so they reach the application's logs. */
final class SystemLoggerAppender extends AbstractAppender {

    private final ConcurrentMap<String, System.Logger> loggers = new ConcurrentHashMap<>();

    SystemLoggerAppender() {
        super("system-logger", null, null, true, Property.EMPTY_ARRAY);
    }

    @Override
    public void append(LogEvent event) {
        String name = event.getLoggerName() == null || event.getLoggerName().isEmpty()
                ? "marytts" : event.getLoggerName();
        System.Logger logger = loggers.computeIfAbsent(name, System::getLogger);
        System.Logger.Level level = toSystemLevel(event.getLevel());
        if (logger.isLoggable(level)) {
            logger.log(level, event.getMessage().getFormattedMessage(), event.getThrown());
        }
    }

    private static System.Logger.Level toSystemLevel(Level level) {
        if (level.isMoreSpecificThan(Level.ERROR)) {
            return System.Logger.Level.ERROR;
        }
        if (level.isMoreSpecificThan(Level.WARN)) {
            return System.Logger.Level.WARNING;
        }
        if (level.isMoreSpecificThan(Level.INFO)) {
            return System.Logger.Level.INFO;
        }
        return level.isMoreSpecificThan(Level.DEBUG) ? System.Logger.Level.DEBUG : System.Logger.Level.TRACE;
    }
}
