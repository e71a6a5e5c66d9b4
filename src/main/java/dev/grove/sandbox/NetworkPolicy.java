package dev.grove.sandbox;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * What a sandboxed process may reach on the network. {@code NONE}: nothing but its own loopback. {@code ALLOW}: only
 * the listed hosts, through Grove's egress proxy ({@code host} allows ports 443 and 80, {@code host:port} that port
 * only); every other connection is refused and the refusal logged. {@code OPEN}: the host's network, unfiltered (chosen
 * explicitly only).
 */
public record NetworkPolicy(Mode mode, List<String> allow) {
    public enum Mode {
        NONE("none"), ALLOW("allow"), OPEN("open");

        private final String word;

        Mode(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }

        public static Mode of(String word) {
            for (Mode m : values()) {
                if (m.word.equals(word)) return m;
            }
            return null;
        }
    }

    public static final String ANTHROPIC_API_HOST = "api.anthropic.com";

    public NetworkPolicy {
        allow = List.copyOf(allow == null ? List.of() : allow.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).toList());
    }

    public static NetworkPolicy none() {
        return new NetworkPolicy(Mode.NONE, List.of());
    }

    public static NetworkPolicy open() {
        return new NetworkPolicy(Mode.OPEN, List.of());
    }

    public static NetworkPolicy allow(List<String> hosts) {
        return new NetworkPolicy(Mode.ALLOW, hosts);
    }

    /**
     * The default for an agent: {@code allow} with the Anthropic API's host, or the host (and port) of
     * {@code ANTHROPIC_BASE_URL} when that is set in {@code baseUrl}.
     */
    public static NetworkPolicy anthropicDefault(String baseUrl) {
        return allow(List.of(apiHost(baseUrl)));
    }

    /** {@code host:port} of a base URL, or {@link #ANTHROPIC_API_HOST} when it is unset or unreadable. */
    public static String apiHost(String baseUrl) {
        if (baseUrl == null || baseUrl.isBlank()) return ANTHROPIC_API_HOST;
        try {
            URI u = URI.create(baseUrl.trim());
            if (u.getHost() == null) return ANTHROPIC_API_HOST;
            int port = u.getPort() > 0 ? u.getPort() : "http".equalsIgnoreCase(u.getScheme()) ? 80 : 443;
            return u.getHost().toLowerCase(Locale.ROOT) + ":" + port;
        } catch (IllegalArgumentException e) {
            return ANTHROPIC_API_HOST;
        }
    }

    /** Whether {@code host:port} is on the list ({@code host} alone on the list stands for ports 443 and 80). */
    public boolean allows(String host, int port) {
        if (mode == Mode.OPEN) return true;
        if (mode == Mode.NONE) return false;
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) h = h.substring(1, h.length() - 1);
        for (String entry : allow) {
            int colon = entry.lastIndexOf(':');
            if (colon > 0 && entry.indexOf(':') == colon) {
                if (entry.substring(0, colon).equals(h) && entry.substring(colon + 1).equals(String.valueOf(port))) {
                    return true;
                }
            } else if (entry.equals(h) && (port == 443 || port == 80)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return mode == Mode.ALLOW ? "allow " + allow : mode.word();
    }
}
