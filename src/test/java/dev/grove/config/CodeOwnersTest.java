package dev.grove.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CodeOwnersTest {
    static final CodeOwners OWNERS = CodeOwners.parse("""
            # owners
            /src/cart/   @alice @bob
            docs/        @carol @octo-org/writers   # docs team
            *.md         @carol
            /src/search/ @dave
            """);

    @Test
    void readsPatternsTheGitignoreWay() {
        assertEquals("src/cart/**", CodeOwners.glob("/src/cart/"));
        assertEquals("**/docs/**", CodeOwners.glob("docs/"));
        assertEquals("**/*.md", CodeOwners.glob("*.md"));
        assertEquals("src/a.txt", CodeOwners.glob("src/a.txt"));
        assertEquals("**", CodeOwners.glob("*"));
    }

    @Test
    void aTaskNeedsAnOwnerOfEveryRuleThatMayCoverItsFiles() {
        assertEquals(Set.of("@alice", "@bob"), OWNERS.ownersOf(List.of("src/cart/**")));
        assertTrue(OWNERS.mayRun("Alice", List.of("src/cart/**")));
        assertFalse(OWNERS.mayRun("dave", List.of("src/cart/**")));
        assertEquals(Set.of("@carol", "@octo-org/writers"), OWNERS.ownersOf(List.of("docs/**")));
        assertEquals(Set.of("@carol"), OWNERS.ownersOf(List.of("src/cart/README.md")), "the last matching rule wins");
        assertFalse(OWNERS.mayRun("alice", List.of("src/cart/**", "src/search/**")));
        assertEquals(Set.of(), OWNERS.ownersOf(List.of("src/cart/**", "src/search/**")));
    }

    @Test
    void representsAGlobByItsFolder() {
        assertEquals("src/cart/x", CodeOwners.representative("src/cart/**"));
        assertEquals("src/x", CodeOwners.representative("src/*.java"));
        assertEquals("x", CodeOwners.representative("**/*.md"));
        assertEquals("docs/a.md", CodeOwners.representative("docs/a.md"));
    }

    @Test
    void pathsNoRuleCoversNeedNoOwner() {
        assertNull(OWNERS.ownersOf(List.of("build/**")));
        assertTrue(OWNERS.mayRun("anyone", List.of("build/**")));
    }
}
