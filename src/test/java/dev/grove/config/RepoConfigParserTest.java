package dev.grove.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RepoConfigParserTest {
    static final RepoConfig DEFAULTS = RepoConfig.defaults("grove", 3);
    static final Set<String> AGENTS = Set.of("default");
    final RepoConfigParser parser = new RepoConfigParser();

    @Test
    void readsEveryKey() {
        var r = parser.parse("""
                trigger_label: agents
                max_parallel: 2
                branch_prefix: grove/bots/
                base: develop
                permission: maintain
                require_code_owners: true
                agent: default
                verify: mvn -q test
                verify_timeout: 90s
                draft_on_failure: false
                delete_branch_on_merge: true
                max_tasks: 5
                measure: ./bench.sh --quick
                budget: { per_task_usd: 5, per_issue_usd: 20.5, agent_minutes: 120 }
                close_issue: false
                ci_fix_attempts: 3
                setup: npm ci --ignore-scripts
                auto_resolve: false
                """, DEFAULTS, AGENTS);
        assertEquals(List.of(), r.problems());
        assertEquals(new RepoConfig("agents", 2, "grove/bots/", "develop", "maintain", true, "default", "mvn -q test",
                Duration.ofSeconds(90), false, true, 5, "./bench.sh --quick",
                new RepoConfig.Budget(5.0, 20.5, Duration.ofMinutes(120)), false, 3, "npm ci --ignore-scripts", false),
                r.config());
    }

    @Test
    void aBadBudgetIsReportedAndNoBudgetIsTaken() {
        var r = parser.parse("budget: { per_task_usd: -1 }\n", DEFAULTS, AGENTS);
        assertEquals(1, r.problems().size());
        assertTrue(r.problems().get(0).message().contains("`per_task_usd` must be a number of dollars above 0"),
                r.problems().toString());
        assertEquals(RepoConfig.Budget.NONE, r.config().budget());
        var unknown = parser.parse("budget:\n  per_month_usd: 5\n", DEFAULTS, AGENTS);
        assertTrue(unknown.problems().get(0).message().contains("unknown key `per_month_usd`"), unknown.problems().toString());
        assertEquals(1, unknown.problems().get(0).line());
    }

    @Test
    void ciFixAttemptsDefaultsToTwoTakesZeroAndRefusesABadValueKeepingTheDefault() {
        assertEquals(2, DEFAULTS.ciFixAttempts());
        assertEquals(2, parser.parse("max_tasks: 3\n", DEFAULTS, AGENTS).config().ciFixAttempts());
        var off = parser.parse("ci_fix_attempts: 0\n", DEFAULTS, AGENTS);
        assertEquals(List.of(), off.problems());
        assertEquals(0, off.config().ciFixAttempts());
        for (String bad : List.of("-1", "11", "two", "1.5")) {
            var r = parser.parse("max_tasks: 3\nci_fix_attempts: " + bad + "\n", DEFAULTS, AGENTS);
            assertEquals(1, r.problems().size(), bad);
            assertEquals(2, r.problems().get(0).line(), bad);
            assertTrue(r.problems().get(0).message().contains("from 0 (never) to 10"), r.problems().toString());
            assertEquals(RepoConfig.DEFAULT_CI_FIX_ATTEMPTS, r.config().ciFixAttempts(), bad);
        }
    }

    @Test
    void setupIsAShellCommandOrNothing() {
        assertEquals(null, DEFAULTS.setup(), "no setup by default");
        assertEquals("./scripts/setup.sh", parser.parse("setup: '  ./scripts/setup.sh '\n", DEFAULTS, AGENTS).config().setup());
        assertEquals(null, parser.parse("setup: null\n", DEFAULTS, AGENTS).config().setup());
        var bad = parser.parse("max_tasks: 3\nsetup: [npm, ci]\n", DEFAULTS, AGENTS);
        assertEquals(1, bad.problems().size(), bad.problems().toString());
        assertEquals(2, bad.problems().get(0).line());
        assertTrue(bad.problems().get(0).message().contains("`setup`: must be a shell command"), bad.problems().toString());
        assertEquals(null, bad.config().setup());
        assertEquals(3, bad.config().maxTasks(), "the other keys are kept");
        var blank = parser.parse("setup: '  '\n", DEFAULTS, AGENTS);
        assertEquals(1, blank.problems().size(), blank.problems().toString());
    }

    @Test
    void emptyOrMissingKeysGiveTheDefaults() {
        assertEquals(DEFAULTS, parser.parse("", DEFAULTS, AGENTS).config());
        assertEquals(DEFAULTS, parser.parse("# nothing yet\n", DEFAULTS, AGENTS).config());
    }

    @Test
    void reportsUnknownKeysAndBadValuesWithTheirLinesAndKeepsTheRest() {
        var r = parser.parse("""
                max_parallel: 2
                verfy: mvn test
                permission: read
                agent: rm -rf /
                branch_prefix: main
                draft_on_failure: maybe
                verify: ./gradlew check
                max_tasks: 500
                """, DEFAULTS, AGENTS);
        assertEquals(List.of(2, 3, 4, 5, 6, 8), r.problems().stream().map(ConfigProblem::line).toList(), r.problems().toString());
        assertTrue(r.problems().get(0).message().contains("unknown key `verfy`"));
        assertTrue(r.problems().get(1).message().contains("one of write, maintain, admin"));
        assertTrue(r.problems().get(2).message().contains("cannot name a command"));
        assertEquals(2, r.config().maxParallel());
        assertEquals("./gradlew check", r.config().verify());
        assertTrue(r.problems().get(5).message().contains("from 1 to 20"), r.problems().get(5).message());
        assertEquals(RepoConfig.DEFAULT_MAX_TASKS, r.config().maxTasks());
        assertEquals("write", r.config().permission());
        assertEquals("default", r.config().agent());
        assertEquals("grove/", r.config().branchPrefix());
        assertEquals(true, r.config().draftOnFailure());
    }

    @Test
    void brokenYamlGivesTheDefaultsAndALine() {
        var r = parser.parse("max_parallel: 2\nverify: [unclosed\n", DEFAULTS, AGENTS);
        assertEquals(DEFAULTS, r.config());
        assertEquals(1, r.problems().size());
        assertTrue(r.problems().get(0).line() >= 2, r.problems().toString());
        assertTrue(r.problems().get(0).message().startsWith("not valid YAML"));
        var list = parser.parse("- a\n- b\n", DEFAULTS, AGENTS);
        assertEquals(DEFAULTS, list.config());
        assertEquals(1, list.problems().get(0).line());
    }

    @Test
    void permissionLevelsAreOrdered() {
        RepoConfig maintain = parser.parse("permission: maintain", DEFAULTS, AGENTS).config();
        assertTrue(maintain.allows("admin") && maintain.allows("maintain"));
        assertTrue(!maintain.allows("write") && !maintain.allows("none"));
        assertTrue(DEFAULTS.allows("write") && !DEFAULTS.allows("triage") && !DEFAULTS.allows("read"));
    }
}
