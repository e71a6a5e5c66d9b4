package dev.grove.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The deployment files (Dockerfile, infra/grove.env.example with the systemd unit, infra/compose.yaml, infra/k8s)
 * set only variables Grove reads ({@link AppConfig#VARIABLES}, the agent's pass-through variables, and the JVM's
 * {@code JDK_JAVA_OPTIONS}), and each process they start gets every required one.
 */
class DeploymentFilesTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    /** Read by the {@code java} launcher, not by Grove. */
    private static final Set<String> JVM_VARIABLES = Set.of("JDK_JAVA_OPTIONS");
    /** GROVE_AGENT_ENV's default: what reaches the agent when a file does not set it. */
    private static final List<String> DEFAULT_PASS_THROUGH = List.of("ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL");

    /** Variables Grove sets for the agents, setup and verify commands it starts (it reads none of them), or refuses to pass. */
    private static final Set<String> NOT_SETTINGS = Set.of("GROVE_PROMPT_FILE", "GROVE_TASK_TITLE", "GROVE_TASK_PATHS",
            "GROVE_ISSUE_NUMBER", "GROVE_TASK_NUMBER", "GROVE_REPOSITORY", "GROVE_PLANNING", "GROVE_REVISE",
            "GROVE_ATTEMPT", "GROVE_VERIFY", "GROVE_SETUP", "GROVE_DB_URL",
            // set by Grove on each launch (the mark of the Grove that started it), never read from its settings
            "GROVE_SANDBOX_OF");

    @TempDir
    Path tmp;

    /** The list cannot drift: every GROVE_* name in the main sources (and ${GROVE_*} in resources) is on it. */
    @Test
    void everyVariableTheSourcesNameIsListedInAppConfig() throws IOException {
        Set<String> listed = AppConfig.VARIABLES.stream().map(AppConfig.Variable::name).collect(Collectors.toSet());
        Pattern literal = Pattern.compile("\"(GROVE_[A-Z0-9_]+)\"");
        Pattern placeholder = Pattern.compile("\\$\\{(GROVE_[A-Z0-9_]+)");
        Set<String> unlisted = new TreeSet<>();
        int named = 0;
        try (Stream<Path> files = Files.walk(ROOT.resolve("src/main"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String name = f.getFileName().toString();
                Pattern p = name.endsWith(".java") ? literal : name.endsWith(".xml") || name.endsWith(".properties")
                        ? placeholder : null;
                if (p == null) continue;
                Matcher m = p.matcher(Files.readString(f));
                while (m.find()) {
                    named++;
                    if (!listed.contains(m.group(1)) && !NOT_SETTINGS.contains(m.group(1))) {
                        unlisted.add(m.group(1) + " (" + ROOT.relativize(f) + ")");
                    }
                }
            }
        }
        assertTrue(named > 10, "found the sources' variables");
        assertEquals(Set.of(), unlisted, "named in the sources but missing from AppConfig.VARIABLES: add them there "
                + "(with required = true if Grove cannot start without them)");
    }

    @Test
    void theDockerfileSetsOnlyVariablesGroveOrTheJvmReads() throws IOException {
        Map<String, String> env = dockerfileEnv(Files.readString(ROOT.resolve("Dockerfile")));
        assertTrue(env.containsKey("GROVE_DATA_DIR") && env.containsKey("JDK_JAVA_OPTIONS"), env.toString());
        assertEquals(List.of(), problems("Dockerfile", env, false));
    }

    @Test
    void theSystemdEnvironmentFileSetsEveryRequiredVariableAndNothingElse() throws IOException {
        Map<String, String> env = envFile(Files.readString(ROOT.resolve("infra/grove.env.example")));
        for (String line : Files.readAllLines(ROOT.resolve("infra/grove.service"))) {
            if (line.startsWith("Environment=")) env.putAll(envFile(line.substring("Environment=".length())));
        }
        assertTrue(Files.readString(ROOT.resolve("infra/grove.service")).contains("EnvironmentFile=/etc/grove/grove.env"));
        assertEquals(List.of(), problems("infra/grove.env.example", env, true));
    }

    @Test
    void composeGivesWebAndRunnerEveryRequiredVariableAndTheSandboxOptions() throws IOException {
        String text = Files.readString(ROOT.resolve("infra/compose.yaml"));
        Map<String, Object> compose = new Yaml().load(text);
        Map<String, String> image = dockerfileEnv(Files.readString(ROOT.resolve("Dockerfile")));
        Map<String, Map<String, Object>> services = map(compose.get("services"));
        List<String> problems = new ArrayList<>();
        Set<String> commands = new TreeSet<>();
        for (var service : services.entrySet()) {
            if (!"grove:local".equals(service.getValue().get("image"))) continue;
            Map<String, String> env = new LinkedHashMap<>(image);
            map(service.getValue().get("environment")).forEach((k, v) -> env.put(k, String.valueOf(v)));
            problems.addAll(problems("compose " + service.getKey(), env, true));
            commands.add(String.join(" ", list(service.getValue().get("command"))));
            assertEquals(List.of("seccomp=unconfined", "apparmor=unconfined", "systempaths=unconfined"),
                    list(service.getValue().get("security_opt")), service.getKey());
        }
        assertEquals(List.of(), problems);
        assertEquals(Set.of("serve", "runner"), commands, "a web process and a runner");
        assertTrue(map(services.get("web").get("environment")).containsKey("GROVE_DATABASE_URL"));
        // every ${VAR} the file interpolates is in the example .env the README tells users to copy
        Set<String> example = envFile(Files.readString(ROOT.resolve("infra/compose.env.example"))).keySet();
        Set<String> interpolated = new TreeSet<>();
        Matcher m = Pattern.compile("\\$\\{([A-Z_][A-Z0-9_]*)").matcher(text);
        while (m.find()) interpolated.add(m.group(1));
        assertEquals(Set.of(), difference(interpolated, example), "interpolated but missing from compose.env.example");
    }

    @Test
    void kubernetesPodsGetEveryRequiredVariableProbesAndResources() throws IOException {
        Map<String, String> image = dockerfileEnv(Files.readString(ROOT.resolve("Dockerfile")));
        Set<String> secretKeys = envFile(Files.readString(ROOT.resolve("infra/k8s/secrets.env.example"))).keySet();
        List<String> problems = new ArrayList<>();
        Set<String> workloads = new TreeSet<>();
        for (Map<String, Object> doc : k8sDocuments(ROOT.resolve("infra/k8s"))) {
            Object kind = doc.get("kind");
            if (!"Deployment".equals(kind) && !"StatefulSet".equals(kind)) continue;
            Map<String, Object> pod = map(map(map(doc.get("spec")).get("template")).get("spec"));
            for (Map<String, Object> container : maps(pod.get("containers"))) {
                for (Map<String, Object> e : maps(container.get("env"))) {
                    Map<String, Object> ref = map(map(e.get("valueFrom")).get("secretKeyRef"));
                    if (!ref.isEmpty() && !secretKeys.contains(ref.get("key"))) {
                        problems.add(name(doc) + " reads secret key " + ref.get("key") + ", which secrets.env.example lacks");
                    }
                }
                if (!"grove".equals(container.get("image"))) continue;
                workloads.add(kind + " " + name(doc) + " " + list(container.get("args")));
                Map<String, String> env = new LinkedHashMap<>(image);
                maps(container.get("env")).forEach(e -> env.put((String) e.get("name"), String.valueOf(e.get("value"))));
                problems.addAll(problems("k8s " + name(doc), env, true));
                assertEquals("/healthz", map(map(container.get("livenessProbe")).get("httpGet")).get("path"), name(doc));
                assertEquals("/readyz", map(map(container.get("readinessProbe")).get("httpGet")).get("path"), name(doc));
                Map<String, Object> requests = map(map(container.get("resources")).get("requests"));
                assertTrue(requests.containsKey("cpu") && requests.containsKey("memory"), name(doc) + ": " + requests);
                assertEquals("Unconfined", map(map(container.get("securityContext")).get("seccompProfile")).get("type"));
                assertTrue(maps(container.get("volumeMounts")).stream().anyMatch(v -> "/data".equals(v.get("mountPath"))),
                        name(doc) + " has a volume for the cache and worktrees");
            }
        }
        assertEquals(List.of(), problems);
        assertEquals(Set.of("Deployment grove-web [serve]", "StatefulSet grove-runner [runner]"), workloads);
        for (Map<String, Object> doc : k8sDocuments(ROOT.resolve("infra/k8s/ingress"))) {
            if (!"Ingress".equals(doc.get("kind"))) continue;
            List<Object> paths = new ArrayList<>();
            for (Map<String, Object> rule : maps(map(doc.get("spec")).get("rules"))) {
                maps(map(rule.get("http")).get("paths")).forEach(p -> paths.add(p.get("path") + " " + p.get("pathType")));
            }
            assertEquals(List.of("/webhook Exact"), paths, "the Ingress exposes the webhook only");
        }
    }

    /** kubectl kustomize renders the kit as the README says to fill it in (and with the Ingress component on). */
    @Test
    void kustomizeRendersTheKit() throws Exception {
        Assumptions.assumeTrue(onPath("kubectl"), "kubectl is not on the PATH: not rendering infra/k8s");
        Path kit = tmp.resolve("k8s");
        copyTree(ROOT.resolve("infra/k8s"), kit);
        Files.copy(kit.resolve("secrets.env.example"), kit.resolve("secrets.env"));
        Files.writeString(kit.resolve("app.pem"), "-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n");
        Path k = kit.resolve("kustomization.yaml");
        Files.writeString(k, Files.readString(k).replace("# components:\n#   - ingress", "components:\n  - ingress"));
        Process p = new ProcessBuilder("kubectl", "kustomize", kit.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        List<String> kinds = new ArrayList<>();
        for (Object doc : new Yaml().loadAll(out)) kinds.add(map(doc).get("kind") + "/" + name(map(doc)));
        assertTrue(kinds.contains("Deployment/grove-web") && kinds.contains("StatefulSet/grove-runner")
                && kinds.contains("Ingress/grove-webhook"), kinds.toString());
        assertTrue(kinds.stream().filter(s -> s.startsWith("Secret/")).count() == 2, kinds.toString());
        assertTrue(out.contains("secretName: grove-app-key-"), "the pods mount the generated key secret");
    }

    @Test
    void theImageInstallsTheClaudeCodeVersionTheTestsPin() throws IOException {
        Matcher pom = Pattern.compile("<claude-cli.version>([^<]+)</claude-cli.version>")
                .matcher(Files.readString(ROOT.resolve("pom.xml")));
        Matcher docker = Pattern.compile("(?m)^ARG CLAUDE_CODE_VERSION=(\\S+)$")
                .matcher(Files.readString(ROOT.resolve("Dockerfile")));
        assertTrue(pom.find() && docker.find());
        assertEquals(pom.group(1), docker.group(1));
    }

    @Test
    void aVariableGroveDoesNotReadOrAMissingRequiredOneIsReported() {
        Map<String, String> env = Map.of("GROVE_APP_ID", "1", "GROVE_WEBHOK_SECRET", "typo",
                "GROVE_PRIVATE_KEY_FILE", "/k", "OPENAI_API_KEY", "x");
        assertEquals(List.of("sample sets GROVE_WEBHOK_SECRET, which Grove does not read",
                "sample sets OPENAI_API_KEY, which Grove does not read",
                "sample does not set GROVE_WEBHOOK_SECRET, which Grove requires"), problems("sample", env, true));
    }

    // ---- the check -----------------------------------------------------------------------------------------------

    /** What is wrong with the variables one file gives one process ({@code complete}: it must hold the required ones). */
    static List<String> problems(String where, Map<String, String> env, boolean complete) {
        Set<String> known = AppConfig.VARIABLES.stream().map(AppConfig.Variable::name).collect(Collectors.toSet());
        Set<String> passThrough = new LinkedHashSet<>(DEFAULT_PASS_THROUGH);
        if (env.containsKey("GROVE_AGENT_ENV")) {
            passThrough = Stream.of(env.get("GROVE_AGENT_ENV").split(",")).map(String::trim)
                    .collect(Collectors.toCollection(LinkedHashSet::new));
        }
        List<String> problems = new ArrayList<>();
        for (String name : new TreeSet<>(env.keySet())) {
            if (!known.contains(name) && !passThrough.contains(name) && !JVM_VARIABLES.contains(name)) {
                problems.add(where + " sets " + name + ", which Grove does not read");
            }
        }
        if (complete) {
            for (AppConfig.Variable v : AppConfig.VARIABLES) {
                if (v.required() && !env.containsKey(v.name())) {
                    problems.add(where + " does not set " + v.name() + ", which Grove requires");
                }
            }
        }
        return problems;
    }

    /** The Dockerfile's ENV instructions, continuation lines joined; {@code ENV A=1 B="x y"} form only. */
    static Map<String, String> dockerfileEnv(String dockerfile) {
        Map<String, String> env = new LinkedHashMap<>();
        String joined = dockerfile.replaceAll("\\\\\\n", " ");
        for (String line : joined.split("\n")) {
            if (!line.startsWith("ENV ")) continue;
            Matcher m = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|\\S*)").matcher(line.substring(4));
            while (m.find()) env.put(m.group(1), m.group(2).replaceAll("^\"|\"$", ""));
        }
        return env;
    }

    /** NAME=value lines; comments and blank lines skipped. */
    static Map<String, String> envFile(String text) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String l = line.trim();
            if (l.isEmpty() || l.startsWith("#") || !l.contains("=")) continue;
            env.put(l.substring(0, l.indexOf('=')).trim(), l.substring(l.indexOf('=') + 1));
        }
        return env;
    }

    private static List<Map<String, Object>> k8sDocuments(Path dir) throws IOException {
        List<Map<String, Object>> docs = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                for (Object doc : new Yaml().loadAll(Files.readString(f))) {
                    if (doc != null) docs.add(map(doc));
                }
            }
        }
        return docs;
    }

    private static String name(Map<String, Object> doc) {
        return String.valueOf(map(doc.get("metadata")).get("name"));
    }

    @SuppressWarnings("unchecked")
    private static <V> Map<String, V> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, V>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> maps(Object o) {
        return o instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
    }

    private static List<String> list(Object o) {
        return o instanceof List<?> l ? l.stream().map(String::valueOf).toList() : o == null ? List.of() : List.of(o.toString());
    }

    private static Set<String> difference(Set<String> a, Set<String> b) {
        Set<String> d = new TreeSet<>(a);
        d.removeAll(b);
        return d;
    }

    private static boolean onPath(String program) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
    }
}
