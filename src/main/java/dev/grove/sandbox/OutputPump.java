package dev.grove.sandbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * Copies a process's output to its log (up to the cap, then one marker line), hands each line to a listener, and
 * keeps the last lines. Grove's own notes (e.g. a refused connection) go into the same log, marked {@code [grove: ...]}.
 */
final class OutputPump {
    private static final int MAX_TAIL_LINE_BYTES = 4096;

    private final OutputStream log;
    private final Consumer<String> onLine;
    private final long cap;
    private final ArrayDeque<String> lines = new ArrayDeque<>();
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private long written;
    private boolean cut;
    private boolean closed;

    OutputPump(OutputStream log, Consumer<String> onLine, long cap) {
        this.log = log;
        this.onLine = onLine;
        this.cap = cap;
    }

    void drain(InputStream in) {
        byte[] buf = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                record(buf, n);
            }
        } catch (IOException ignored) {
            // the stream was closed: the process is gone
        }
        synchronized (this) {
            if (line.size() > 0) {
                endLine();
            }
            closeLog();
        }
    }

    /** A line from Grove itself, written to the log (not to the listener or the tail). */
    synchronized void note(String text) {
        if (closed) return;
        try {
            log.write(("[grove: " + text + "]\n").getBytes(StandardCharsets.UTF_8));
            log.flush();
        } catch (IOException ignored) {
            // a log that cannot be written loses the note, nothing else
        }
    }

    private synchronized void record(byte[] buf, int n) {
        writeLog(buf, n);
        for (int i = 0; i < n; i++) {
            byte b = buf[i];
            if (b == '\n') {
                endLine();
            } else if (line.size() < Sandbox.MAX_LINE_BYTES) {
                line.write(b);
            }
        }
    }

    private void writeLog(byte[] buf, int n) {
        if (closed || cut) {
            return;
        }
        try {
            long room = cap - written;
            if (n <= room) {
                log.write(buf, 0, n);
                written += n;
            } else {
                log.write(buf, 0, (int) room);
                written += room;
                log.write(("\n[grove: the log was cut at " + cap / (1024 * 1024)
                        + " MB; later output is not kept]\n").getBytes(StandardCharsets.UTF_8));
                log.flush();
                cut = true;
            }
        } catch (IOException e) {
            cut = true;
        }
    }

    private void endLine() {
        String text = line.toString(StandardCharsets.UTF_8);
        if (text.endsWith("\r")) {
            text = text.substring(0, text.length() - 1);
        }
        line.reset();
        try {
            onLine.accept(text);
        } catch (RuntimeException ignored) {
            // a listener's failure never stops the output
        }
        if (text.length() > MAX_TAIL_LINE_BYTES) {
            text = text.substring(0, MAX_TAIL_LINE_BYTES);
        }
        lines.addLast(text);
        while (lines.size() > Sandbox.TAIL_LINES) {
            lines.removeFirst();
        }
    }

    synchronized String tail() {
        StringBuilder sb = new StringBuilder();
        for (String l : lines) {
            sb.append(l).append('\n');
        }
        return sb.toString().stripTrailing();
    }

    synchronized void closeLog() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            log.close();
        } catch (IOException ignored) {
            // nothing more can be done about a log that does not close
        }
    }
}
