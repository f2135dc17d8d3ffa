package dev.aiokpl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiokpl.testkit.ReadRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The demo's content check, fed with hand-made read-back results. */
class DemoVerificationTest {

    private static final String RUN = "abcd1234";
    private static final int SIZE = 40;
    private static final int KEYS = 7;

    private static ReadRecord read(long i, String seq) {
        return new ReadRecord("shardId-000000000000", DemoCommand.key(i, KEYS), null,
                DemoCommand.payload(RUN, i, SIZE), seq, 0, true, false);
    }

    @Test
    void payloadsAreNumberedAndSized() {
        byte[] data = DemoCommand.payload(RUN, 42, SIZE);
        assertThat(data).hasSize(SIZE);
        assertThat(new String(data, StandardCharsets.US_ASCII)).startsWith("abcd1234-0000000042-");
    }

    @Test
    void countsEachRecordOnceAndFindsTheMissingOnes() {
        List<ReadRecord> read = new ArrayList<>();
        for (long i = 0; i < 10; i++) {
            if (i != 4) {
                read.add(read(i, "seq-" + (i / 3)));
            }
        }
        DemoCommand.Verification v = DemoCommand.verify(RUN, 10, SIZE, KEYS, read);
        assertThat(v.readBack).isEqualTo(9);
        assertThat(v.duplicates).isZero();
        assertThat(v.kinesisRecords).isEqualTo(4);
    }

    @Test
    void duplicatesCorruptAndForeignRecordsAreToldApart() {
        List<ReadRecord> read = new ArrayList<>();
        read.add(read(0, "s1"));
        read.add(read(0, "s2"));
        byte[] altered = DemoCommand.payload(RUN, 1, SIZE);
        altered[SIZE - 1] ^= 1;
        read.add(new ReadRecord("shardId-000000000000", DemoCommand.key(1, KEYS), null, altered, "s3", 0, true, false));
        read.add(new ReadRecord("shardId-000000000000", "wrong-key", null, DemoCommand.payload(RUN, 2, SIZE), "s3", 1,
                true, false));
        read.add(new ReadRecord("shardId-000000000000", "k", null, "someone else's".getBytes(StandardCharsets.UTF_8),
                "s4", 0, false, false));
        read.add(new ReadRecord("shardId-000000000000", "k", null, new byte[] {(byte) 0xF3, (byte) 0x89, 0, 0}, "s5", 0,
                false, true));
        DemoCommand.Verification v = DemoCommand.verify(RUN, 3, SIZE, KEYS, read);
        assertThat(v.readBack).isEqualTo(1);
        assertThat(v.duplicates).isEqualTo(1);
        assertThat(v.corrupt).isEqualTo(3);
        assertThat(v.foreign).isEqualTo(1);
    }
}
