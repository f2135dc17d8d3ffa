package dev.aiokpl.testkit;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of a {@link FaultProxy}: a server socket on 127.0.0.1 and one daemon thread per
 * connection, named {@code fault-proxy-<id>-<n>}, reading HTTP/1.1 requests through the {@link CappedLink}
 * and handing each to the {@link ProxyHandler}.
 */
final class ClientConnections {

    private static final Logger LOG = LoggerFactory.getLogger(FaultProxy.class);

    private final ServerSocket server;
    private final URI endpoint;
    private final ExecutorService threads;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** Binds a free port; nothing is accepted before {@link #start}. */
    ClientConnections(int id) throws IOException {
        AtomicInteger threadIds = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fault-proxy-" + id + "-" + threadIds.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        this.endpoint = URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** The proxy's threads, also the executor of its HTTP client toward the emulator. */
    ExecutorService threads() {
        return threads;
    }

    /** {@code http://127.0.0.1:<port>}. */
    URI endpoint() {
        return endpoint;
    }

    /** Accepts connections from now on; what clients send crosses {@code link} and is counted in {@code linkBytes}. */
    void start(CappedLink link, AtomicLong linkBytes, ProxyHandler handler) {
        threads.execute(() -> acceptLoop(link, linkBytes, handler));
    }

    /** Stops listening and resets every open connection. */
    void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("closing the proxy's server socket", e);
        }
        for (Socket s : sockets) {
            reset(s);
        }
        threads.shutdownNow();
    }

    /** Ends a connection with a TCP reset rather than a clean close. */
    static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (SocketException ignored) {
            // already closed
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    private void acceptLoop(CappedLink link, AtomicLong linkBytes, ProxyHandler handler) {
        while (!closed) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("fault proxy accept failed", e);
                }
                return;
            }
            sockets.add(socket);
            try {
                threads.execute(() -> serve(socket, link, linkBytes, handler));
            } catch (RuntimeException rejected) {
                reset(socket);
            }
        }
    }

    private void serve(Socket socket, CappedLink link, AtomicLong linkBytes, ProxyHandler handler) {
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(link.input(socket.getInputStream(), linkBytes), 64 * 1024);
            OutputStream out = socket.getOutputStream();
            while (!closed) {
                ClientRequest request = ClientRequest.read(in, out);
                if (request == null) {
                    return;
                }
                if (!handler.handle(socket, request, out) || request.close()) {
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("fault proxy connection ended: {}", e.toString());
        } finally {
            sockets.remove(socket);
        }
    }
}
