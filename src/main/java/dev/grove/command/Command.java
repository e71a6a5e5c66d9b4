package dev.grove.command;

import java.util.List;
import java.util.Optional;

/** A command given to Grove in a comment. Tasks are named by number, slug or title, as the user wrote them. */
public sealed interface Command {

    /** {@code /grove plan}: propose the split; nothing runs. */
    record Plan() implements Command {
    }

    /** {@code /grove run} (all tasks: {@code tasks} empty) or {@code /grove run 2,3}. */
    record Run(List<Integer> tasks) implements Command {
        public Run {
            tasks = List.copyOf(tasks);
        }
    }

    /** {@code /grove status}: refresh the tracking comment. */
    record Status() implements Command {
    }

    /** {@code /grove cancel [task]}: stop the agents, or one task's. */
    record Cancel(Optional<String> task) implements Command {
    }

    /** {@code /grove retry <task>}: run a failed task again. */
    record Retry(String task) implements Command {
    }

    /** {@code /grove help}. */
    record Help() implements Command {
    }

    /** {@code /grove revise <text>} or {@code @grove <text>} on a Grove pull request. */
    record Revise(String instructions) implements Command {
    }

    /** {@code /grove try N [task K]}: N independent attempts at the issue or one task. */
    record Try(int attempts, Optional<Integer> task) implements Command {
    }

    /** {@code /grove pick K}: keep attempt K. */
    record Pick(int attempt) implements Command {
    }
}
