package dev.aiokpl.internal.sender;

import java.net.URI;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Remembers the endpoint (scheme, host, port, path) of the last request the Kinesis client sent, as
 * the client resolved it (region, endpoint override, FIPS and dual-stack settings): the endpoint
 * {@link DirectPutRecords} sends to. The producer's calls name streams by name, never by ARN, so
 * Kinesis's control-plane calls (ListShards) and data-plane calls (PutRecords) share one endpoint.
 */
public final class EndpointRecorder implements ExecutionInterceptor, java.util.function.Supplier<URI> {

    private volatile URI endpoint;

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes executionAttributes) {
        SdkHttpRequest r = context.httpRequest();
        endpoint = URI.create(r.protocol() + "://" + r.host() + portPart(r) + (r.encodedPath().isEmpty() ? "/"
                : r.encodedPath()));
    }

    private static String portPart(SdkHttpRequest r) {
        int port = r.port();
        boolean standard = ("https".equals(r.protocol()) && port == 443) || ("http".equals(r.protocol()) && port == 80);
        return standard ? "" : ":" + port;
    }

    /** The last endpoint seen, or null before the first request. */
    @Override
    public URI get() {
        return endpoint;
    }
}
