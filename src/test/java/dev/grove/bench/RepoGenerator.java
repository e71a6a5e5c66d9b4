package dev.grove.bench;

import dev.grove.testing.GitFixtures;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Deterministic repositories of a given size for the provisioning benchmark, written with {@code git fast-import}:
 * {@code files} text files of ~380 bytes in 200 folders, added over {@code commits} commits, each commit after the
 * first also rewriting five earlier files, then packed as a server would hold them. Same input, same commits.
 */
public final class RepoGenerator {
    static final long EPOCH = 1_704_110_400L; // 2024-01-01T12:00:00Z

    private RepoGenerator() {
    }

    /** A bare origin at {@code dir} with {@code main} checked out as HEAD. */
    public static Path generate(Path dir, int files, int commits) {
        GitFixtures.runGit(dir.getParent(), "init", "--quiet", "--bare", "--initial-branch=main", dir.toString());
        fastImport(dir, out -> {
            for (int k = 0; k < commits; k++) {
                int lo = (int) ((long) k * files / commits);
                int hi = (int) ((long) (k + 1) * files / commits);
                commitHeader(out, "commit " + k + " of the generated history", EPOCH + k * 60L, null);
                for (int i = lo; i < hi; i++) file(out, i, "");
                for (int m = 0; m < 5 && lo > 0; m++) file(out, (int) ((k * 7919L + m * 104_729L) % lo), " changed in " + k);
            }
        });
        GitFixtures.runGit(dir, "repack", "-a", "-d", "-q");
        return dir;
    }

    /** One more commit on origin's main, rewriting one file: something for a warm fetch to bring. */
    public static void addCommit(Path origin, int seq) {
        fastImport(origin, out -> {
            commitHeader(out, "follow-up " + seq, EPOCH + 10_000_000L + seq, "refs/heads/main^0");
            file(out, seq, " follow-up " + seq);
        });
    }

    private interface Stream {
        void write(Writer out) throws IOException;
    }

    private static final class Writer {
        private final OutputStream out;

        Writer(OutputStream out) {
            this.out = out;
        }

        void text(String s) throws IOException {
            out.write(s.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void commitHeader(Writer out, String message, long time, String from) throws IOException {
        byte[] msg = message.getBytes(StandardCharsets.UTF_8);
        out.text("commit refs/heads/main\ncommitter Grove Bench <bench@grove.invalid> " + time + " +0000\ndata "
                + msg.length + "\n" + message + "\n");
        if (from != null) out.text("from " + from + "\n");
    }

    private static void file(Writer out, int i, String suffix) throws IOException {
        StringBuilder body = new StringBuilder();
        for (int line = 0; line < 8; line++) {
            body.append("file ").append(i).append(" line ").append(line).append(" lorem ipsum dolor sit amet")
                    .append(suffix).append('\n');
        }
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        out.text(String.format("M 100644 inline d%03d/f%06d.txt\ndata %d\n", i % 200, i, bytes.length));
        out.text(body.toString());
        out.text("\n");
    }

    private static void fastImport(Path gitDir, Stream stream) {
        ProcessBuilder pb = new ProcessBuilder("git", "fast-import", "--quiet").directory(gitDir.toFile());
        Map<String, String> env = pb.environment();
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        env.put("GIT_CONFIG_GLOBAL", "/dev/null");
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        try {
            Process p = pb.start();
            try (OutputStream os = new BufferedOutputStream(p.getOutputStream(), 1 << 16)) {
                stream.write(new Writer(os));
            }
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException("git fast-import failed in " + gitDir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

}
