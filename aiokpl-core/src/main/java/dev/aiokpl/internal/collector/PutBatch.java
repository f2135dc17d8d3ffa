package dev.aiokpl.internal.collector;

import dev.aiokpl.internal.record.KinesisRecord;
import java.util.List;

/**
 * The entries of one PutRecords request, for one stream.
 *
 * @param stream  the stream
 * @param records the entries, in request order
 * @param size    partition keys + data, in bytes, as the service counts them
 */
public record PutBatch(String stream, List<KinesisRecord> records, long size) {

    /** How many user records the batch carries. */
    public int userRecordCount() {
        int n = 0;
        for (KinesisRecord kr : records) {
            n += kr.records().size();
        }
        return n;
    }
}
