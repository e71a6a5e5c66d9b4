package dev.grove.config;

/** One problem in {@code .github/grove.yml}: the line (1-based; 0 when unknown) and what to do about it. */
public record ConfigProblem(int line, String message) {
    @Override
    public String toString() {
        return (line > 0 ? "line " + line + ": " : "") + message;
    }
}
