package dev.aiokpl.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ClientRequestTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private static InputStream wire(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void readsRequestsOneAfterAnotherOnAKeptAliveConnection() throws IOException {
        InputStream in = wire("POST / HTTP/1.1\r\nX-Amz-Target: A\r\nContent-Length: 3\r\n\r\nabc"
                + "\r\nGET /x HTTP/1.1\r\nConnection: close\r\n\r\n");

        ClientRequest first = ClientRequest.read(in, out);
        ClientRequest second = ClientRequest.read(in, out);

        assertThat(first.method()).isEqualTo("POST");
        assertThat(first.header("x-amz-target")).isEqualTo("A");
        assertThat(first.body()).asString(StandardCharsets.UTF_8).isEqualTo("abc");
        assertThat(first.close()).isFalse();
        assertThat(second.target()).isEqualTo("/x");
        assertThat(second.body()).isEmpty();
        assertThat(second.close()).isTrue();
        assertThat(ClientRequest.read(in, out)).isNull();
        assertThat(out.size()).isZero();
    }

    @Test
    void joinsChunksAndSkipsTrailers() throws IOException {
        InputStream in = wire("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nTrailer: x\r\n\r\n");

        assertThat(ClientRequest.read(in, out).body()).asString(StandardCharsets.UTF_8).isEqualTo("abcde");
    }

    @Test
    void answersExpectContinueBeforeReadingTheBody() throws IOException {
        InputStream in = wire("PUT / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\nz");

        ClientRequest.read(in, out);

        assertThat(out.toString(StandardCharsets.ISO_8859_1)).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
    }

    @Test
    void aConnectionClosedInsideTheBodyIsAnError() {
        InputStream in = wire("POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc");

        assertThatThrownBy(() -> ClientRequest.read(in, out)).isInstanceOf(EOFException.class)
                .hasMessageContaining("inside the body");
    }

    @Test
    void aMalformedRequestLineIsAnError() {
        assertThatThrownBy(() -> ClientRequest.read(wire("HELLO\r\n\r\n"), out)).isInstanceOf(IOException.class)
                .hasMessageContaining("bad request line");
    }
}
