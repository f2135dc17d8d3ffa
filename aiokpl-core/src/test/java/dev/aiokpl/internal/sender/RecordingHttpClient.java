package dev.aiokpl.internal.sender;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.http.async.AsyncExecuteRequest;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;

/**
 * An HTTP client for tests: reads each request's body to the end, as a real client sends it, records
 * the request and its body, then answers what {@link #answer} returns for it (or nothing, for a test of
 * timeouts: the exchange then stays open until cancelled).
 */
final class RecordingHttpClient implements SdkAsyncHttpClient {

    /** One request as it went out. */
    record Sent(SdkHttpRequest request, byte[] body, int chunks) {
        String header(String name) {
            return request.firstMatchingHeader(name).orElse(null);
        }
    }

    /** An answer: status, headers, body; or an error instead. */
    record Answer(SdkHttpResponse response, byte[] body, Throwable error) {
        static Answer of(int status, String contentType, byte[] body) {
            return new Answer(SdkHttpResponse.builder().statusCode(status).putHeader("Content-Type", contentType)
                    .putHeader("Content-Length", Integer.toString(body.length)).build(), body, null);
        }

        static Answer failing(Throwable error) {
            return new Answer(null, null, error);
        }
    }

    final List<Sent> sent = new CopyOnWriteArrayList<>();
    final List<CompletableFuture<Void>> exchanges = new CopyOnWriteArrayList<>();
    volatile Function<Sent, Answer> answer;

    RecordingHttpClient(Function<Sent, Answer> answer) {
        this.answer = answer;
    }

    @Override
    public CompletableFuture<Void> execute(AsyncExecuteRequest request) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        exchanges.add(done);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int[] chunks = {0};
        request.requestContentPublisher().subscribe(new Subscriber<ByteBuffer>() {
            @Override
            public void onSubscribe(Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ByteBuffer b) {
                chunks[0]++;
                byte[] bytes = new byte[b.remaining()];
                b.get(bytes);
                body.write(bytes, 0, bytes.length);
            }

            @Override
            public void onError(Throwable t) {
                request.responseHandler().onError(t);
                done.completeExceptionally(t);
            }

            @Override
            public void onComplete() {
                Sent s = new Sent(request.request(), body.toByteArray(), chunks[0]);
                sent.add(s);
                Answer a = answer.apply(s);
                if (a == null) {
                    return; // never answered
                }
                if (a.error() != null) {
                    request.responseHandler().onError(a.error());
                    done.completeExceptionally(a.error());
                    return;
                }
                request.responseHandler().onHeaders(a.response());
                request.responseHandler().onStream(subscriber -> subscriber.onSubscribe(new Subscription() {
                    private final AtomicBoolean once = new AtomicBoolean();

                    @Override
                    public void request(long n) {
                        if (n > 0 && once.compareAndSet(false, true)) {
                            if (a.body().length > 0) {
                                subscriber.onNext(ByteBuffer.wrap(a.body()));
                            }
                            subscriber.onComplete();
                            done.complete(null);
                        }
                    }

                    @Override
                    public void cancel() {
                    }
                }));
            }
        });
        return done;
    }

    @Override
    public void close() {
    }
}
