package dev.chorus.service;

import dev.chorus.runtime.SynthesisListener;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every listener or output of the pipeline that wraps another must pass backpressure on: a wrapper that kept the
 * always-ready defaults would silently let a client that does not read fill the server's memory. Checked over the
 * module's own classes, so a new stage cannot forget it.
 */
class BackpressureForwardingTest {

    @Test
    void everyWrappingListenerAndOutputForwardsReadiness() throws Exception {
        Path classes = Path.of(SpeechService.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> wrappers = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> c = Class.forName(name, false, getClass().getClassLoader());
                check(c, SynthesisListener.class, "ready", "whenReady", wrappers, missing);
                check(c, AudioOutput.class, "writable", "whenWritable", wrappers, missing);
            }
        }
        assertThat(wrappers).as("wrappers found (the check must see some)").hasSizeGreaterThanOrEqualTo(4);
        assertThat(missing).as("wrappers that do not forward readiness").isEmpty();
    }

    private static void check(Class<?> c, Class<?> type, String ready, String when, List<String> wrappers,
                              List<String> missing) throws NoSuchMethodException {
        if (!type.isAssignableFrom(c) || c.isInterface()) {
            return;
        }
        boolean wraps = false;
        for (Field f : c.getDeclaredFields()) {
            wraps |= type.isAssignableFrom(f.getType()) || List.class.isAssignableFrom(f.getType())
                    && f.getGenericType().getTypeName().contains(type.getName());
        }
        if (!wraps) {
            return;
        }
        wrappers.add(c.getName());
        if (c.getMethod(ready).getDeclaringClass() == type || c.getMethod(when, Runnable.class).getDeclaringClass() == type) {
            missing.add(c.getName());
        }
    }
}
