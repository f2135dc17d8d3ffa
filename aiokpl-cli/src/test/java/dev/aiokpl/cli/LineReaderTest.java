package dev.aiokpl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineReaderTest {

    @Test
    void splitsOnNewlinesAndDropsCarriageReturns() throws IOException {
        assertThat(lines("a\nbb\r\n\nccc")).containsExactly("a", "bb", "", "ccc");
        assertThat(lines("a\n")).containsExactly("a");
        assertThat(lines("")).isEmpty();
        assertThat(lines("\n")).containsExactly("");
    }

    @Test
    void linesLongerThanTheBufferAndBytesThatAreNotUtf8PassThrough() throws IOException {
        String longLine = "x".repeat(200_000);
        assertThat(lines(longLine + "\nend")).containsExactly(longLine, "end");
        byte[] raw = {(byte) 0xff, (byte) 0xfe, '\n', 0, 1};
        LineReader reader = new LineReader(new ByteArrayInputStream(raw));
        assertThat(reader.next()).containsExactly(0xff, 0xfe);
        assertThat(reader.next()).containsExactly(0, 1);
        assertThat(reader.next()).isNull();
    }

    @Test
    void readsAStreamThatArrivesInPieces() throws IOException {
        byte[] all = "one\ntwo\nthree".getBytes(StandardCharsets.UTF_8);
        InputStream trickle = new InputStream() {
            private int i;

            @Override
            public int read() {
                return i < all.length ? all[i++] : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (i >= all.length) {
                    return -1;
                }
                b[off] = all[i++];
                return 1;
            }
        };
        List<String> out = new ArrayList<>();
        LineReader reader = new LineReader(trickle);
        for (byte[] line; (line = reader.next()) != null; ) {
            out.add(new String(line, StandardCharsets.UTF_8));
        }
        assertThat(out).containsExactly("one", "two", "three");
    }

    private static List<String> lines(String input) throws IOException {
        LineReader reader = new LineReader(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
        List<String> out = new ArrayList<>();
        for (byte[] line; (line = reader.next()) != null; ) {
            out.add(new String(line, StandardCharsets.UTF_8));
        }
        return out;
    }
}
