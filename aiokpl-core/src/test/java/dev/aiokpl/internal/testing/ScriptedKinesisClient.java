package dev.aiokpl.internal.testing;

import dev.aiokpl.internal.hash.HashKey;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.IntFunction;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * A {@link KinesisAsyncClient} that answers {@code ListShards} and {@code PutRecords} from a script
 * and records every request. Thread-safe; futures are completed outside its lock, on the thread that
 * calls the client (immediate answers) or the test thread (held answers).
 *
 * <p><b>ListShards</b> answers from {@link #shards(List)}, {@link #pageSize(int)} shards per page. A
 * request with a {@code NextToken} that also carries {@code StreamName} or {@code ShardFilter} fails
 * with {@code InvalidArgumentException}, as the service does, and is listed in
 * {@link #protocolViolations()}. One-off answers ({@link #failNextListShards}) and holding first-page
 * requests ({@link #holdListShards(boolean)}) are scriptable.
 *
 * <p><b>PutRecords</b> answers by default with every entry put on the open shard whose range holds its
 * explicit hash key or the MD5 of its partition key ({@link #route(PutRecordsRequest)}). One-off answers
 * ({@link #nextPutRecords}), a standing answer ({@link #putRecordsAnswer}) and holding
 * ({@link #holdPutRecords(boolean)}) are scriptable; see the static answer builders.
 */
public final class ScriptedKinesisClient implements KinesisAsyncClient {

    /** How the client answers one request. */
    public interface Answer<Q, R> extends Function<Q, CompletableFuture<R>> {
    }

    /** A request whose answer the test gives later. */
    public final class Held<Q, R> {
        private final Q request;
        private final CompletableFuture<R> future = new CompletableFuture<>();
        private final Function<Q, CompletableFuture<R>> defaultAnswer;

        Held(Q request, Function<Q, CompletableFuture<R>> defaultAnswer) {
            this.request = request;
            this.defaultAnswer = defaultAnswer;
        }

        public Q request() {
            return request;
        }

        public CompletableFuture<R> future() {
            return future;
        }

        /** Answers as the client would have if it did not hold (computed now). */
        public void release() {
            defaultAnswer.apply(request).whenComplete((r, e) -> {
                if (e != null) {
                    future.completeExceptionally(e);
                } else {
                    future.complete(r);
                }
            });
        }

        /** Answers with this response. */
        public void complete(R response) {
            future.complete(response);
        }

        /** Answers with this error. */
        public void fail(Throwable error) {
            future.completeExceptionally(error);
        }
    }

    private List<Shard> shards = List.of();
    private int pageSize = 1000;
    private final List<ListShardsRequest> listShardsRequests = new ArrayList<>();
    private final Deque<Answer<ListShardsRequest, ListShardsResponse>> scriptedListShards = new ArrayDeque<>();
    private boolean holdListShards;
    private final Deque<Held<ListShardsRequest, ListShardsResponse>> heldListShards = new ArrayDeque<>();
    private final Map<String, List<Shard>> listings = new HashMap<>();
    private int listingCount;
    private final List<String> protocolViolations = new ArrayList<>();

    private final List<PutRecordsRequest> putRecordsRequests = new ArrayList<>();
    private final Deque<Answer<PutRecordsRequest, PutRecordsResponse>> scriptedPuts = new ArrayDeque<>();
    private Answer<PutRecordsRequest, PutRecordsResponse> putAnswer;
    private boolean holdPutRecords;
    private final Deque<Held<PutRecordsRequest, PutRecordsResponse>> heldPuts = new ArrayDeque<>();
    private long sequence = 49_000_000_000L;
    private boolean closed;

    /** A client whose stream has {@code shards}. */
    public ScriptedKinesisClient(List<Shard> shards) {
        this.shards = List.copyOf(shards);
        this.putAnswer = request -> CompletableFuture.completedFuture(route(request));
    }

    /** A client whose stream has one shard holding every hash key. */
    public ScriptedKinesisClient() {
        this(Shards.even(1));
    }

    // ------------------------------------------------------------------ script: ListShards

    /** The stream's shards from now on (open and closed), for ListShards and for routing PutRecords. */
    public synchronized ScriptedKinesisClient shards(List<Shard> shards) {
        this.shards = List.copyOf(shards);
        return this;
    }

    public synchronized List<Shard> shards() {
        return shards;
    }

    /** Shards per ListShards page. */
    public synchronized ScriptedKinesisClient pageSize(int pageSize) {
        this.pageSize = pageSize;
        return this;
    }

    /** The next ListShards call (of any page) fails with {@code error}. Calls queue up. */
    public ScriptedKinesisClient failNextListShards(Throwable error) {
        return nextListShards(request -> CompletableFuture.failedFuture(error));
    }

    /** The next ListShards call is answered by {@code answer}. Calls queue up. */
    public synchronized ScriptedKinesisClient nextListShards(Answer<ListShardsRequest, ListShardsResponse> answer) {
        scriptedListShards.add(answer);
        return this;
    }

    /** While on, first-page ListShards requests (those naming the stream) wait for {@link #releaseListShards()}. */
    public synchronized ScriptedKinesisClient holdListShards(boolean hold) {
        this.holdListShards = hold;
        return this;
    }

    /** How many ListShards requests wait. */
    public synchronized int heldListShards() {
        return heldListShards.size();
    }

    /** Answers the oldest held ListShards request from the shards as they are now. */
    public void releaseListShards() {
        Held<ListShardsRequest, ListShardsResponse> h;
        synchronized (this) {
            h = heldListShards.poll();
        }
        if (h == null) {
            throw new IllegalStateException("no ListShards request is held");
        }
        h.release();
    }

    /** Fails the oldest held ListShards request. */
    public void failHeldListShards(Throwable error) {
        Held<ListShardsRequest, ListShardsResponse> h;
        synchronized (this) {
            h = heldListShards.poll();
        }
        if (h == null) {
            throw new IllegalStateException("no ListShards request is held");
        }
        h.fail(error);
    }

    public synchronized List<ListShardsRequest> listShardsRequests() {
        return List.copyOf(listShardsRequests);
    }

    /** Requests that broke the ListShards paging rules (should stay empty). */
    public synchronized List<String> protocolViolations() {
        return List.copyOf(protocolViolations);
    }

    // ------------------------------------------------------------------ script: PutRecords

    /** The next PutRecords call is answered by {@code answer} (before holding and the standing answer). */
    public synchronized ScriptedKinesisClient nextPutRecords(Answer<PutRecordsRequest, PutRecordsResponse> answer) {
        scriptedPuts.add(answer);
        return this;
    }

    /** How PutRecords calls are answered when nothing else is scripted. */
    public synchronized ScriptedKinesisClient putRecordsAnswer(Answer<PutRecordsRequest, PutRecordsResponse> answer) {
        this.putAnswer = answer;
        return this;
    }

    /** While on, PutRecords calls (with no one-off answer queued) return futures the test completes. */
    public synchronized ScriptedKinesisClient holdPutRecords(boolean hold) {
        this.holdPutRecords = hold;
        return this;
    }

    /** The held PutRecords calls, oldest first (they stay held until completed). */
    public synchronized List<Held<PutRecordsRequest, PutRecordsResponse>> heldPutRecords() {
        heldPuts.removeIf(h -> h.future.isDone());
        return List.copyOf(heldPuts);
    }

    /** Answers every held PutRecords call with the standing answer. */
    public void releasePutRecords() {
        for (Held<PutRecordsRequest, PutRecordsResponse> h : heldPutRecords()) {
            h.release();
        }
    }

    public synchronized List<PutRecordsRequest> putRecordsRequests() {
        return List.copyOf(putRecordsRequests);
    }

    /** Every PutRecords entry sent so far, in order. */
    public synchronized List<PutRecordsRequestEntry> putRecordsEntries() {
        List<PutRecordsRequestEntry> all = new ArrayList<>();
        for (PutRecordsRequest r : putRecordsRequests) {
            all.addAll(r.records());
        }
        return all;
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    // ------------------------------------------------------------------ answers

    /** The hash key the service uses for an entry. */
    public static HashKey hashKeyOf(PutRecordsRequestEntry e) {
        return e.explicitHashKey() != null ? HashKey.parseDecimal(e.explicitHashKey())
                : HashKey.ofPartitionKey(e.partitionKey());
    }

    /** Every entry put on the open shard that holds its hash key (InternalFailure if none does). */
    public PutRecordsResponse route(PutRecordsRequest request) {
        return withEntryErrors(i -> null).apply(request).join();
    }

    /** Every entry succeeds on the routed shard, except those for which {@code codeAt(index)} gives an error code. */
    public Answer<PutRecordsRequest, PutRecordsResponse> withEntryErrors(IntFunction<String> codeAt) {
        return request -> {
            List<PutRecordsResultEntry> entries = new ArrayList<>();
            int failed = 0;
            List<Shard> current = shards();
            for (int i = 0; i < request.records().size(); i++) {
                PutRecordsRequestEntry e = request.records().get(i);
                String code = codeAt.apply(i);
                Shard s = Shards.holding(current, hashKeyOf(e));
                if (code == null && s == null) {
                    code = "InternalFailure";
                }
                if (code != null) {
                    failed++;
                    entries.add(PutRecordsResultEntry.builder().errorCode(code)
                            .errorMessage(code + " (scripted for entry " + i + ")").build());
                } else {
                    entries.add(PutRecordsResultEntry.builder().shardId(s.shardId())
                            .sequenceNumber(nextSequenceNumber()).build());
                }
            }
            return CompletableFuture.completedFuture(
                    PutRecordsResponse.builder().records(entries).failedRecordCount(failed).build());
        };
    }

    /** Every entry fails with {@code code} and {@code message}. */
    public static Answer<PutRecordsRequest, PutRecordsResponse> allEntriesFail(String code, String message) {
        return request -> {
            List<PutRecordsResultEntry> entries = new ArrayList<>();
            for (int i = 0; i < request.records().size(); i++) {
                entries.add(PutRecordsResultEntry.builder().errorCode(code).errorMessage(message).build());
            }
            return CompletableFuture.completedFuture(PutRecordsResponse.builder().records(entries)
                    .failedRecordCount(entries.size()).build());
        };
    }

    /** Every entry succeeds on {@code shardId}, wherever its hash key belongs. */
    public Answer<PutRecordsRequest, PutRecordsResponse> allOnShard(String shardId) {
        return request -> {
            List<PutRecordsResultEntry> entries = new ArrayList<>();
            for (int i = 0; i < request.records().size(); i++) {
                entries.add(PutRecordsResultEntry.builder().shardId(shardId).sequenceNumber(nextSequenceNumber()).build());
            }
            return CompletableFuture.completedFuture(PutRecordsResponse.builder().records(entries)
                    .failedRecordCount(0).build());
        };
    }

    /** The request fails with {@code error}. */
    public static <Q, R> Answer<Q, R> failWith(Throwable error) {
        return request -> CompletableFuture.failedFuture(error);
    }

    /** A routed answer with {@code delta} entries too many (positive) or too few (negative). */
    public Answer<PutRecordsRequest, PutRecordsResponse> wrongCount(int delta) {
        return request -> {
            List<PutRecordsResultEntry> entries = new ArrayList<>(route(request).records());
            if (delta < 0) {
                entries = entries.subList(0, Math.max(0, entries.size() + delta));
            } else {
                for (int i = 0; i < delta; i++) {
                    entries.add(PutRecordsResultEntry.builder().shardId("shardId-999999999999")
                            .sequenceNumber(nextSequenceNumber()).build());
                }
            }
            return CompletableFuture.completedFuture(PutRecordsResponse.builder().records(entries)
                    .failedRecordCount(0).build());
        };
    }

    // ------------------------------------------------------------------ real SDK exceptions

    /** A service error as the SDK builds it from an HTTP error response. */
    public static KinesisException serviceError(String code, String message, int statusCode) {
        return (KinesisException) KinesisException.builder()
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message)
                        .serviceName("Kinesis").build())
                .message(message)
                .statusCode(statusCode)
                .build();
    }

    public static ResourceNotFoundException resourceNotFound(String message) {
        return (ResourceNotFoundException) ResourceNotFoundException.builder()
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ResourceNotFoundException").errorMessage(message)
                        .serviceName("Kinesis").build())
                .message(message)
                .statusCode(400)
                .build();
    }

    /** A client-side failure, such as a connection reset. */
    public static SdkClientException clientError(String message) {
        return SdkClientException.create(message);
    }

    /** The SDK's API call timeout. */
    public static ApiCallTimeoutException apiCallTimeout(long timeoutMillis) {
        return ApiCallTimeoutException.create(timeoutMillis);
    }

    // ------------------------------------------------------------------ KinesisAsyncClient

    @Override
    public String serviceName() {
        return SERVICE_NAME;
    }

    @Override
    public synchronized void close() {
        closed = true;
    }

    @Override
    public CompletableFuture<ListShardsResponse> listShards(ListShardsRequest request) {
        Answer<ListShardsRequest, ListShardsResponse> scripted;
        Held<ListShardsRequest, ListShardsResponse> held = null;
        synchronized (this) {
            listShardsRequests.add(request);
            scripted = scriptedListShards.poll();
            if (scripted == null && holdListShards && request.nextToken() == null) {
                held = new Held<>(request, this::listShardsAnswer);
                heldListShards.add(held);
            }
        }
        if (scripted != null) {
            return scripted.apply(request);
        }
        if (held != null) {
            return held.future;
        }
        return listShardsAnswer(request);
    }

    /** The answer from the shards as they are now (paging included). */
    public synchronized CompletableFuture<ListShardsResponse> listShardsAnswer(ListShardsRequest request) {
        List<Shard> listing;
        int offset;
        String listingId;
        if (request.nextToken() != null) {
            if (request.streamName() != null || request.shardFilter() != null || request.streamARN() != null) {
                String violation = "ListShards with NextToken also carried StreamName/StreamARN/ShardFilter: " + request;
                protocolViolations.add(violation);
                return CompletableFuture.failedFuture(InvalidArgumentException.builder()
                        .awsErrorDetails(AwsErrorDetails.builder().errorCode("InvalidArgumentException")
                                .errorMessage("NextToken and StreamName cannot be provided together.").build())
                        .statusCode(400).build());
            }
            String[] parts = request.nextToken().split(":");
            listingId = parts[0];
            offset = Integer.parseInt(parts[1]);
            listing = listings.get(listingId);
            if (listing == null) {
                protocolViolations.add("unknown NextToken " + request.nextToken());
                return CompletableFuture.failedFuture(serviceError("ExpiredNextTokenException", "bad token", 400));
            }
        } else {
            if (request.streamName() == null && request.streamARN() == null) {
                protocolViolations.add("ListShards without StreamName or NextToken: " + request);
            }
            listingId = "listing" + (listingCount++);
            listing = shards;
            listings.put(listingId, listing);
            offset = 0;
        }
        int end = Math.min(listing.size(), offset + pageSize);
        ListShardsResponse.Builder b = ListShardsResponse.builder().shards(listing.subList(offset, end));
        if (end < listing.size()) {
            b.nextToken(listingId + ":" + end);
        }
        return CompletableFuture.completedFuture(b.build());
    }

    @Override
    public CompletableFuture<PutRecordsResponse> putRecords(PutRecordsRequest request) {
        Answer<PutRecordsRequest, PutRecordsResponse> answer;
        Held<PutRecordsRequest, PutRecordsResponse> held = null;
        synchronized (this) {
            putRecordsRequests.add(request);
            answer = scriptedPuts.poll();
            if (answer == null) {
                if (holdPutRecords) {
                    held = new Held<>(request, putAnswer);
                    heldPuts.add(held);
                } else {
                    answer = putAnswer;
                }
            }
        }
        return held != null ? held.future : answer.apply(request);
    }

    private synchronized String nextSequenceNumber() {
        return Long.toString(sequence++);
    }
}
