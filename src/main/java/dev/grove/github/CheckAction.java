package dev.grove.github;

/**
 * A button on a check run. GitHub's limits: label and identifier at most 20 characters, description at most 40,
 * at most 3 actions per check run; the constructor enforces them so a bad one fails here, not at GitHub.
 */
public record CheckAction(String label, String description, String identifier) {
    public CheckAction {
        if (label.length() > 20 || identifier.length() > 20 || description.length() > 40) {
            throw new IllegalArgumentException("check run action over GitHub's limits: " + label + "/" + identifier);
        }
    }
}
