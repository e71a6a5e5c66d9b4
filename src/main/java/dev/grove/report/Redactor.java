package dev.grove.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Takes secrets out of text Grove is about to show anyone (PR bodies, comments, check runs, the dashboard): the
 * values Grove knows are secret (the webhook secret, the App key and each of its lines, installation tokens, agents'
 * keys) and anything shaped like a private key or a well-known token. Each becomes {@value #MARK}. Pure and
 * thread-safe; secrets are learnt as they appear ({@link #addSecret}).
 *
 * <p>It catches secrets as they are, not encoded or cut into pieces: that is the sandbox's job (an agent never gets
 * to read them), this is the last line.
 */
public final class Redactor {

    public static final String MARK = "[redacted]";

    /** Values shorter than this are not treated as secrets: they would redact ordinary words. */
    static final int MIN_SECRET = 8;

    /** Secret-shaped strings, each with what it is (said instead of the value). */
    private static final List<Shape> SHAPES = List.of(
            // PEM blocks (a private key, a certificate...), also when cut off before the END line
            new Shape("a PEM block (a private key?)",
                    "-----BEGIN [A-Z0-9 ]+-----[\\s\\S]*?(?:-----END [A-Z0-9 ]+-----|\\z)"),
            // GitHub tokens: installation (ghs_), personal (ghp_), OAuth (gho_), user-to-server (ghu_), refresh (ghr_)
            new Shape("a GitHub token", "\\bgh[pousr]_[A-Za-z0-9]{30,}\\b"),
            new Shape("a GitHub token", "\\bgithub_pat_[A-Za-z0-9_]{30,}\\b"),
            // Anthropic, OpenAI
            new Shape("an Anthropic API key", "\\bsk-ant-[A-Za-z0-9_\\-]{20,}"),
            new Shape("an API key (sk-...)", "\\bsk-(?:proj-)?[A-Za-z0-9_\\-]{32,}"),
            // AWS access key ids, Slack tokens, Google API keys
            new Shape("an AWS access key id", "\\b(?:AKIA|ASIA)[0-9A-Z]{16}\\b"),
            new Shape("a Slack token", "\\bxox[abposr]-[A-Za-z0-9-]{10,}"),
            new Shape("a Google API key", "\\bAIza[0-9A-Za-z_\\-]{35}"),
            // JSON web tokens (the App's JWT)
            new Shape("a JSON web token", "\\beyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}"),
            // a secret in a URL's user info: https://user:secret@host
            new Shape("a password in a URL", "(?<=://)[^/\\s:@]+:[^/\\s@]+(?=@)"));

    /**
     * What {@link #findSecret} looks for among shapes: a private key's PEM header (not any PEM block: certificates are
     * public) and the token shapes; not a URL's user info (docs are full of {@code postgres://user:pass@localhost}).
     */
    private static final List<Shape> FOUND_SHAPES = List.of(
            new Shape("a private key", "-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----"),
            SHAPES.get(1), SHAPES.get(2), SHAPES.get(3), SHAPES.get(4), SHAPES.get(5), SHAPES.get(6), SHAPES.get(7),
            SHAPES.get(8));

    private record Shape(String what, Pattern pattern) {
        Shape(String what, String regex) {
            this(what, Pattern.compile(regex));
        }
    }

    private final Set<String> secrets = ConcurrentHashMap.newKeySet();

    public Redactor(Iterable<String> knownSecrets) {
        for (String s : knownSecrets) {
            addSecret(s);
        }
    }

    public static Redactor none() {
        return new Redactor(List.of());
    }

    /**
     * Learns a secret value. A multi-line value (a key file) is also learnt line by line, so a few lines of it are
     * caught too; so is its HTML-escaped form, for the dashboard.
     */
    public void addSecret(String value) {
        if (value == null) {
            return;
        }
        String v = value.strip();
        if (v.length() >= MIN_SECRET) {
            secrets.add(v);
            secrets.add(DashboardRenderer.esc(v));
        }
        if (value.indexOf('\n') >= 0) {
            value.lines().map(String::strip).filter(l -> l.length() >= 16 && !l.startsWith("-----"))
                    .forEach(secrets::add);
        }
    }

    /** The text with every known secret and every secret-shaped string replaced by {@value #MARK}; null stays null. */
    public String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        List<String> known = new ArrayList<>(secrets);
        known.sort(Comparator.comparingInt(String::length).reversed());
        for (String secret : known) {
            if (out.contains(secret)) {
                out = out.replace(secret, MARK);
            }
        }
        for (Shape shape : SHAPES) {
            Matcher m = shape.pattern().matcher(out);
            if (m.find()) {
                out = m.replaceAll(Matcher.quoteReplacement(MARK));
            }
        }
        return out;
    }

    /**
     * What secret {@code text} holds, said without the secret: "a secret value Grove knows" (Grove's own, an agent's
     * key, a token Grove was issued) or the shape it has ("a GitHub token", ...); empty when it holds none.
     */
    public Optional<String> findSecret(String text) {
        if (text == null || text.isEmpty()) {
            return Optional.empty();
        }
        for (String secret : secrets) {
            if (text.contains(secret)) {
                return Optional.of("a secret value Grove knows (one of its own, or a key an agent is given)");
            }
        }
        for (Shape shape : FOUND_SHAPES) {
            if (shape.pattern().matcher(text).find()) {
                return Optional.of("something shaped like " + shape.what());
            }
        }
        return Optional.empty();
    }
}
