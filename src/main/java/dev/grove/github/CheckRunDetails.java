package dev.grove.github;

/**
 * A check run as GitHub lists it, with what a CI fix tells the agent: which app made it ({@code appId}, {@code appSlug};
 * 0 and "" when GitHub names none), its state and its output (null where GitHub gives none).
 */
public record CheckRunDetails(long id, String name, long appId, String appSlug, String headSha, String status,
        String conclusion, String title, String summary, String text, int annotationsCount) {
}
