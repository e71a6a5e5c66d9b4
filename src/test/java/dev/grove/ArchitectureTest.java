package dev.grove;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package layout, checked from the sources: which Grove package may import which (the table "Who may import
 * whom" in the README is the rule, read from there), no package cycle, hub4j only in {@code github}, JGit only in
 * {@code git}, and {@code pipeline} kept to orchestration (classes of at most 300 lines, constructors of at most 6
 * parameters).
 */
class ArchitectureTest {
    private static final Path MAIN = Path.of("src/main/java");
    private static final String ROOT = "dev.grove.";
    private static final Pattern GROVE_REF = Pattern.compile("\\bdev\\.grove\\.([a-z]+)\\.");
    /** Text blocks, strings, character literals and comments, in the order they must be tried. */
    private static final Pattern CODE_NOISE = Pattern.compile(
            "\"\"\"(?s:.*?)\"\"\"|\"(?:[^\"\\\\\\n]|\\\\.)*\"|'(?:[^'\\\\\\n]|\\\\.)*'|//[^\\n]*|/\\*(?s:.*?)\\*/");
    private static final Map<String, String> LIBRARY_HOME = Map.of("org.kohsuke.github", "github",
            "org.eclipse.jgit", "git");

    // ---- the checks on Grove's own sources -----------------------------------------------------------------------

    @Test
    void everyImportIsAllowedByTheReadmeTable() {
        Map<String, Set<String>> allowed = readmeTable();
        Map<String, Set<String>> actual = packageImports(MAIN);
        assertEquals(List.of(), violations(actual, allowed), "imports outside the README's table");
    }

    @Test
    void packagesFormNoCycle() {
        assertEquals(List.of(), cycles(packageImports(MAIN)), "package cycles");
        assertEquals(List.of(), cycles(readmeTable()), "the README's table itself has a cycle");
    }

    @Test
    void hub4jAndJGitStayInTheirPackages() {
        assertEquals(List.of(), libraryLeaks(MAIN));
    }

    @Test
    void pipelineClassesAreShortAndTakeFewDependencies() throws Exception {
        List<String> problems = new ArrayList<>();
        for (Path f : javaFiles(MAIN.resolve("dev/grove/pipeline"))) {
            long lines = Files.readAllLines(f).size();
            if (lines > 300) problems.add(f.getFileName() + " has " + lines + " lines (at most 300)");
            String name = ROOT + "pipeline." + f.getFileName().toString().replace(".java", "");
            Class<?> c = Class.forName(name);
            for (Class<?> k : withNested(c)) {
                if (k.isRecord() || k.isInterface()) continue;
                for (Constructor<?> ctor : k.getDeclaredConstructors()) {
                    int n = ctor.getParameterCount() - (k.isMemberClass() && !java.lang.reflect.Modifier.isStatic(
                            k.getModifiers()) ? 1 : 0);
                    if (n > 6) problems.add(k.getName() + " has a constructor of " + n + " parameters (at most 6)");
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void theReadmeTableNamesEveryPackage() {
        Set<String> missing = new TreeSet<>(packageImports(MAIN).keySet());
        missing.removeAll(readmeTable().keySet());
        assertEquals(Set.of(), missing, "packages the README's table does not list");
    }

    // ---- the checker catches what it is meant to catch --------------------------------------------------------------

    @Test
    void aCycleIsFound() {
        Map<String, Set<String>> g = Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a"));
        List<List<String>> found = cycles(g);
        assertEquals(1, found.size());
        assertEquals(Set.of("a", "b", "c"), Set.copyOf(found.get(0)));
        assertTrue(cycles(Map.of("a", Set.of("b"), "b", Set.of())).isEmpty());
    }

    @Test
    void anImportOutsideTheTableIsReported() {
        List<String> v = violations(Map.of("store", Set.of("model", "pipeline")), Map.of("store", Set.of("model")));
        assertEquals(List.of("store imports pipeline"), v);
    }

    @Test
    void sourcesAreReadFromImportsAndQualifiedNames(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path a = dir.resolve("dev/grove/store/A.java");
        Files.createDirectories(a.getParent());
        Files.writeString(a, "package dev.grove.store;\n\nimport dev.grove.model.TaskKey;\nimport org.eclipse.jgit.api.Git;\n"
                + "class A { dev.grove.pipeline.X x; // dev.grove.app.Y in a comment\n String s = \"dev.grove.web.Z\"; }\n");
        assertEquals(Map.of("store", Set.of("model", "pipeline")), packageImports(dir));
        assertEquals(List.of("dev/grove/store/A.java uses org.eclipse.jgit (only git may)"), libraryLeaks(dir));
        assertFalse(readmeTable().isEmpty());
    }

    // ---- reading ------------------------------------------------------------------------------------------------------

    /** The README's "Who may import whom" table: package -> the Grove packages it may import. */
    static Map<String, Set<String>> readmeTable() {
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("README.md"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Set<String>> table = new TreeMap<>();
        boolean in = false;
        for (String l : lines) {
            if (l.startsWith("#")) {
                in = l.toLowerCase().contains("who may import whom");
                continue;
            }
            if (!in || !l.startsWith("| `")) continue;
            String[] cells = l.split("\\|");
            String pkg = cells[1].replace("`", "").strip();
            Set<String> may = new TreeSet<>();
            Matcher m = Pattern.compile("`([a-z]+)`").matcher(cells[2]);
            while (m.find()) may.add(m.group(1));
            if (cells[2].contains("every package")) may.add("*");
            table.put(pkg, may);
        }
        return table;
    }

    /** Grove package -> the other Grove packages its files import or name in full (comments and strings ignored). */
    static Map<String, Set<String>> packageImports(Path main) {
        Map<String, Set<String>> graph = new TreeMap<>();
        for (Path f : javaFiles(main.resolve("dev/grove"))) {
            String pkg = packageOf(main, f);
            Set<String> uses = graph.computeIfAbsent(pkg, k -> new TreeSet<>());
            Matcher m = GROVE_REF.matcher(code(f));
            while (m.find()) {
                if (!m.group(1).equals(pkg)) uses.add(m.group(1));
            }
        }
        return graph;
    }

    static List<String> libraryLeaks(Path main) {
        List<String> leaks = new ArrayList<>();
        for (Path f : javaFiles(main.resolve("dev/grove"))) {
            String pkg = packageOf(main, f);
            String code = code(f);
            LIBRARY_HOME.forEach((lib, home) -> {
                if (!pkg.equals(home) && code.contains(lib + ".")) {
                    leaks.add(main.relativize(f).toString().replace('\\', '/') + " uses " + lib + " (only " + home
                            + " may)");
                }
            });
        }
        return leaks;
    }

    static List<String> violations(Map<String, Set<String>> actual, Map<String, Set<String>> allowed) {
        List<String> out = new ArrayList<>();
        actual.forEach((pkg, uses) -> {
            Set<String> may = allowed.getOrDefault(pkg, Set.of());
            for (String u : uses) {
                if (!may.contains(u) && !may.contains("*")) out.add(pkg + " imports " + u);
            }
        });
        return out;
    }

    /** The cycles (strongly connected components of more than one package, or a package naming itself). */
    static List<List<String>> cycles(Map<String, Set<String>> graph) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new LinkedHashSet<>();
        List<List<String>> out = new ArrayList<>();
        int[] counter = {0};
        for (String v : new TreeSet<>(graph.keySet())) {
            if (!index.containsKey(v)) strongConnect(v, graph, index, low, stack, onStack, out, counter);
        }
        return out;
    }

    private static void strongConnect(String v, Map<String, Set<String>> g, Map<String, Integer> index,
            Map<String, Integer> low, Deque<String> stack, Set<String> onStack, List<List<String>> out, int[] counter) {
        index.put(v, counter[0]);
        low.put(v, counter[0]++);
        stack.push(v);
        onStack.add(v);
        for (String w : g.getOrDefault(v, Set.of())) {
            if (w.equals("*")) continue;
            if (!index.containsKey(w)) {
                strongConnect(w, g, index, low, stack, onStack, out, counter);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            List<String> scc = new ArrayList<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                scc.add(w);
            } while (!w.equals(v));
            if (scc.size() > 1 || g.getOrDefault(v, Set.of()).contains(v)) out.add(scc);
        }
    }

    private static String packageOf(Path main, Path file) {
        Path rel = main.resolve("dev/grove").relativize(file);
        return rel.getNameCount() > 1 ? rel.getName(0).toString() : "";
    }

    /** The file's code without comments and string literals. */
    private static String code(Path f) {
        try {
            String s = Files.readString(f);
            return CODE_NOISE.matcher(s).replaceAll(r -> r.group().startsWith("\"") ? "\"\"" : " ");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> javaFiles(Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Class<?>> withNested(Class<?> c) {
        List<Class<?>> all = new ArrayList<>(List.of(c));
        for (Class<?> n : c.getDeclaredClasses()) all.addAll(withNested(n));
        return all;
    }
}
