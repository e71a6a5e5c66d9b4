package dev.grove.queue;

import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.MDC;

/**
 * The facts every log line carries where known (SLF4J's MDC): {@code delivery} (X-GitHub-Delivery),
 * {@code repository}, {@code issue} and {@code task}. Work handed to another thread takes its caller's facts along.
 */
public final class LogContext {
    public static final String DELIVERY = "delivery";
    public static final String REPOSITORY = "repository";
    public static final String ISSUE = "issue";
    public static final String TASK = "task";

    private LogContext() {
    }

    /** {@code job}, run with the caller's facts (taken now) and {@code key=value} on top; the thread's own after. */
    public static Runnable carry(Runnable job, String key, String value) {
        Map<String, String> facts = MDC.getCopyOfContextMap();
        return () -> {
            Map<String, String> before = MDC.getCopyOfContextMap();
            set(facts, key, value);
            try {
                job.run();
            } finally {
                restore(before);
            }
        };
    }

    /** {@link #carry(Runnable, String, String)} for work with a result. */
    public static <T> Callable<T> carry(Callable<T> job, String key, String value) {
        Map<String, String> facts = MDC.getCopyOfContextMap();
        return () -> {
            Map<String, String> before = MDC.getCopyOfContextMap();
            set(facts, key, value);
            try {
                return job.call();
            } finally {
                restore(before);
            }
        };
    }

    private static void set(Map<String, String> facts, String key, String value) {
        if (facts == null) MDC.clear();
        else MDC.setContextMap(facts);
        if (key != null && value != null) MDC.put(key, value);
    }

    private static void restore(Map<String, String> before) {
        if (before == null) MDC.clear();
        else MDC.setContextMap(before);
    }
}
