package dev.grove.git;

import dev.grove.model.RepoRef;
import java.nio.file.Path;

/** The runner's cached clone of a repository (bare; origin's branches under refs/remotes/origin/). */
public record CachedRepo(RepoRef repo, String cloneUrl, Path gitDir) {
}
