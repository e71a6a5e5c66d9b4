package dev.grove.bench;

import java.util.ArrayList;
import java.util.List;

/** One benchmark's result: a title, notes on how it was measured, and a Markdown table. */
public final class MarkdownTable {
    private final String title;
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    public MarkdownTable(String title, String... header) {
        this.title = title;
        this.header = List.of(header);
    }

    public MarkdownTable row(String... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException("a row of " + title + " needs " + header.size() + " cells");
        }
        rows.add(List.of(cells));
        return this;
    }

    public MarkdownTable note(String note) {
        notes.add(note);
        return this;
    }

    public List<List<String>> rows() {
        return rows;
    }

    public String render() {
        StringBuilder s = new StringBuilder("### ").append(title).append("\n\n");
        s.append("| ").append(String.join(" | ", header)).append(" |\n|");
        header.forEach(h -> s.append("---|"));
        s.append('\n');
        for (List<String> r : rows) s.append("| ").append(String.join(" | ", r)).append(" |\n");
        if (!notes.isEmpty()) {
            s.append('\n');
            notes.forEach(n -> s.append("- ").append(n).append('\n'));
        }
        return s.toString();
    }
}
