package dev.grove.pipeline;

import dev.grove.model.TaskRecord;
import java.util.List;

/**
 * An open task PR whose branch conflicts with the base after another task PR ({@code mergedPr}) merged into it:
 * {@code files} are the conflicting paths. Grove left the branch as it was.
 */
public record BaseConflict(TaskRecord task, String base, int mergedPr, List<String> files) {
    public BaseConflict {
        files = List.copyOf(files);
    }

    /** The files as Markdown code spans, comma-separated. */
    public String fileList() {
        return String.join(", ", files.stream().map(f -> "`" + f + "`").toList());
    }
}
