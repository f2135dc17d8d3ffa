package dev.aiokpl.internal.collector;

import dev.aiokpl.internal.record.KinesisRecord;
import java.util.List;

/**
 * The entries of one PutRecords request, for one stream, with the collection limits it was built
 * under, so that batches waiting for a connection can be merged within them.
 *
 * @param stream   the stream
 * @param records  the entries, in request order
 * @param size     partition keys + data, in bytes, as the service counts them
 * @param maxCount most entries a request of this stream may hold ({@code collectionMaxCount})
 * @param maxSize  most bytes a request of this stream may hold ({@code collectionMaxSize})
 */
public record PutBatch(String stream, List<KinesisRecord> records, long size, int maxCount, long maxSize) {

    /** A batch that is never merged with another (its limits are its own count and size). */
    public PutBatch(String stream, List<KinesisRecord> records, long size) {
        this(stream, records, size, records.size(), size);
    }

    /** How many user records the batch carries. */
    public int userRecordCount() {
        int n = 0;
        for (KinesisRecord kr : records) {
            n += kr.records().size();
        }
        return n;
    }
}
