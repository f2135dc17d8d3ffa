package com.example.orders;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Java blocks of the README's "Testing your code" section are copied from
 * {@link OrderPublisher} and {@link OrderPublisherTest}: each block's lines appear there, in order
 * and together, so the README shows code that compiles and passes.
 */
class ReadmeExampleTest {

    private static final Path README = Path.of("..", "README.md");
    private static final Path SOURCES = Path.of("src", "test", "java", "com", "example", "orders");

    @Test
    void theReadmeShowsTheCompiledExample() throws IOException {
        List<String> source = new ArrayList<>(trimmed(Files.readAllLines(SOURCES.resolve("OrderPublisher.java"))));
        source.addAll(trimmed(Files.readAllLines(SOURCES.resolve("OrderPublisherTest.java"))));
        List<List<String>> blocks = javaBlocks(section(Files.readAllLines(README), "## Testing your code"));
        assertThat(blocks).hasSizeGreaterThanOrEqualTo(2);
        for (List<String> block : blocks) {
            assertThat(Collections.indexOfSubList(source, trimmed(block)))
                    .as("README block not found in the example sources:%n%s", String.join("\n", block))
                    .isNotNegative();
        }
    }

    private static List<String> section(List<String> lines, String heading) {
        int start = lines.indexOf(heading);
        assertThat(start).as("README heading %s", heading).isNotNegative();
        int end = start + 1;
        while (end < lines.size() && !lines.get(end).startsWith("## ")) {
            end++;
        }
        return lines.subList(start + 1, end);
    }

    private static List<List<String>> javaBlocks(List<String> lines) {
        List<List<String>> blocks = new ArrayList<>();
        List<String> current = null;
        for (String line : lines) {
            if (current == null && line.equals("```java")) {
                current = new ArrayList<>();
            } else if (current != null && line.equals("```")) {
                blocks.add(current);
                current = null;
            } else if (current != null) {
                current.add(line);
            }
        }
        return blocks;
    }

    /** Lines without surrounding blanks, blank lines dropped: indentation may differ in the README. */
    private static List<String> trimmed(List<String> lines) {
        return lines.stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }
}
