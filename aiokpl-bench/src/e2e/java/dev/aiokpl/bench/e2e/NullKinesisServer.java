package dev.aiokpl.bench.e2e;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import javax.net.ssl.KeyManagerFactory;
import software.amazon.awssdk.thirdparty.jackson.core.JsonFactory;
import software.amazon.awssdk.thirdparty.jackson.core.JsonGenerator;
import software.amazon.awssdk.thirdparty.jackson.core.JsonParser;
import software.amazon.awssdk.thirdparty.jackson.core.JsonToken;
import software.amazon.awssdk.thirdparty.jackson.dataformat.cbor.CBORFactory;

/**
 * A Kinesis endpoint that stores nothing, for measuring producers past an emulator's ceiling: HTTPS
 * (Netty from the SDK's dependencies, a self-signed key made at start with {@code keytool}) on 127.0.0.1 only,
 * in both protocols of the SDK's Kinesis client: JSON (awsJson1.1) and CBOR (a request of content type
 * {@code application/x-amz-cbor-1.1}, the SDK's default, is answered in CBOR; see {@link Protocol}).
 * Every stream exists and has {@code shards} shards of equal hash ranges; {@code ListShards},
 * {@code DescribeStream}, {@code DescribeStreamSummary} describe them, {@code PutRecords}/{@code PutRecord} succeed on the shard that owns each entry's hash key (its
 * explicit hash key, else the MD5 of its partition key), so producers that predict shards see their
 * prediction confirmed. Other operations answer 400 and are logged.
 *
 * <p>It counts, per stream: requests, those in CBOR, Kinesis records, those not aggregated (no
 * {@code F3 89 9A C2} magic) and user records (sub-records of aggregates are counted by walking the
 * protobuf), and requests per operation and per protocol over all streams; a
 * {@code GET /stats?stream=NAME} answers them as {@code key=value} lines. Started by
 * {@link E2eBenchmark} in its own JVM, so its CPU is not charged to the producer under test; it
 * prints {@code LISTENING <port>} once ready and exits when its parent process does.
 *
 * <p>Arguments: {@code keystore=PATH} (made if absent), {@code port} (0: any), {@code shards}
 * (default 4), {@code threads} (event loops, default 2).
 */
public final class NullKinesisServer {

    private static final String PASSWORD = "bench-only";
    private static final BigInteger MAX_HASH = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);
    private static final String SEQUENCE_PREFIX = "4959" + "0".repeat(52);
    private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });
    private static final byte[] MAGIC = {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2};

    /**
     * A wire protocol of the SDK's Kinesis client: the same shapes, read and written with the SDK's
     * shaded Jackson, in JSON ({@code Data} as base64 text, timestamps in epoch seconds) or in CBOR
     * ({@code Data} as a byte string, timestamps in epoch milliseconds, as the SDK's CBOR protocol
     * reads them). Errors are a map with {@code __type} and {@code message} in either, which is where
     * the SDK looks for the error code when no {@code x-amzn-ErrorType} header is set.
     */
    enum Protocol {
        JSON("application/x-amz-json-1.1", new JsonFactory(), 1),
        CBOR("application/x-amz-cbor-1.1", new CBORFactory(), 1000);

        final String contentType;
        final JsonFactory factory;
        private final long timestampUnitsPerSecond;

        Protocol(String contentType, JsonFactory factory, long timestampUnitsPerSecond) {
            this.contentType = contentType;
            this.factory = factory;
            this.timestampUnitsPerSecond = timestampUnitsPerSecond;
        }

        /** CBOR for the SDK's CBOR content type, else JSON (what every other client gets, as before). */
        static Protocol of(String contentType) {
            return contentType != null && contentType.startsWith(CBOR.contentType) ? CBOR : JSON;
        }

        /** Writes a timestamp field as this protocol's SDK reads it. */
        void writeTimestamp(JsonGenerator g, String field, long epochSeconds) throws IOException {
            g.writeNumberField(field, epochSeconds * timestampUnitsPerSecond);
        }
    }

    /** Counters of one stream. */
    static final class Stats {
        final LongAdder requests = new LongAdder();
        final LongAdder cborRequests = new LongAdder();
        final LongAdder kinesisRecords = new LongAdder();
        final LongAdder rawKinesisRecords = new LongAdder();
        final LongAdder userRecords = new LongAdder();
        final LongAdder dataBytes = new LongAdder();
    }

    private final int shards;
    private final BigInteger[] starts;
    private final BigInteger[] ends;
    private final String[] shardIds;
    private final AtomicLong sequence = new AtomicLong();
    private final Map<String, Stats> stats = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> operations = new ConcurrentHashMap<>();
    private final Map<Protocol, LongAdder> protocols = new EnumMap<>(Protocol.class);
    private final long created = System.currentTimeMillis() / 1000;

    NullKinesisServer(int shards) {
        this.shards = shards;
        starts = new BigInteger[shards];
        ends = new BigInteger[shards];
        shardIds = new String[shards];
        BigInteger width = MAX_HASH.add(BigInteger.ONE).divide(BigInteger.valueOf(shards));
        for (int i = 0; i < shards; i++) {
            starts[i] = width.multiply(BigInteger.valueOf(i));
            ends[i] = i == shards - 1 ? MAX_HASH : starts[i].add(width).subtract(BigInteger.ONE);
            shardIds[i] = String.format("shardId-%012d", i);
        }
        for (Protocol p : Protocol.values()) {
            protocols.put(p, new LongAdder());
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = ProducerRun.parse(args);
        Path keystore = Path.of(a.get("keystore"));
        int shards = Integer.parseInt(a.getOrDefault("shards", "4"));
        int threads = Integer.parseInt(a.getOrDefault("threads", "2"));
        NullKinesisServer server = new NullKinesisServer(shards);
        server.warmUp();

        KeyManagerFactory kmf = keyManagers(keystore);
        SslContext ssl = SslContextBuilder.forServer(kmf).sslProvider(SslProvider.JDK).build();
        EventLoopGroup boss = new NioEventLoopGroup(1);
        EventLoopGroup workers = new NioEventLoopGroup(threads);
        Channel channel = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 512)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(ssl.newHandler(ch.alloc()), new HttpServerCodec(),
                                new HttpObjectAggregator(16 * 1024 * 1024), server.new Handler());
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(a.getOrDefault("port", "0"))))
                .sync().channel();
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> System.exit(0)));
        System.out.println("LISTENING " + ((InetSocketAddress) channel.localAddress()).getPort());
        System.out.flush();
        channel.closeFuture().sync();
    }

    /** One request at a time per connection, answered on the connection's event loop. */
    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            byte[] body = ByteBufUtil.getBytes(request.content());
            int status = 200;
            String contentType;
            byte[] bytes;
            if (request.method() == HttpMethod.GET && request.uri().startsWith("/stats")) {
                contentType = "text/plain";
                bytes = stats(URI.create(request.uri())).getBytes(StandardCharsets.UTF_8);
            } else {
                Protocol protocol = Protocol.of(request.headers().get(HttpHeaderNames.CONTENT_TYPE));
                contentType = protocol.contentType;
                protocols.get(protocol).increment();
                String target = request.headers().get("X-Amz-Target");
                String operation = target == null ? "" : target.substring(target.indexOf('.') + 1);
                operations.computeIfAbsent(operation, k -> new LongAdder()).increment();
                try {
                    bytes = answer(protocol, operation, body);
                    if (bytes == null) {
                        System.err.println("null endpoint: unsupported operation " + target + " " + request.uri());
                        status = 400;
                        bytes = error(protocol, "UnknownOperationException", String.valueOf(target));
                    }
                } catch (IOException | RuntimeException bad) {
                    System.err.println("null endpoint: bad " + protocol + " " + operation + " request: " + bad);
                    status = 400;
                    bytes = error(protocol, "SerializationException", bad.getClass().getSimpleName());
                }
            }
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.valueOf(status), Unpooled.wrappedBuffer(bytes));
            response.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                    .set(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
                    .set("x-amzn-RequestId", "00000000-0000-0000-0000-000000000000");
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            if (keepAlive) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                ctx.writeAndFlush(response);
            } else {
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** What an answer holds, written into the map {@link #write} opens. */
    @FunctionalInterface
    private interface Answer {
        void write(JsonGenerator g) throws IOException;
    }

    /**
     * The answer to one Kinesis operation, in the request's {@code protocol}, or null if it is not
     * one this endpoint knows.
     */
    byte[] answer(Protocol protocol, String operation, byte[] body) throws IOException {
        return switch (operation) {
            case "PutRecords" -> putRecords(protocol, body);
            case "PutRecord" -> putRecord(protocol, body);
            case "ListShards" -> write(protocol, this::writeShards);
            case "DescribeStreamSummary" -> write(protocol, describeStreamSummary(protocol, streamName(protocol, body)));
            case "DescribeStream" -> write(protocol, describeStream(protocol, streamName(protocol, body)));
            default -> null;
        };
    }

    /** An error answer with the code the SDK reads from {@code __type}, in {@code protocol}. */
    private static byte[] error(Protocol protocol, String type, String message) {
        try {
            return write(protocol, g -> {
                g.writeStringField("__type", type);
                g.writeStringField("message", message);
            });
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One map written by {@code answer} in {@code protocol}. */
    private static byte[] write(Protocol protocol, Answer answer) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        try (JsonGenerator g = protocol.factory.createGenerator(out)) {
            g.writeStartObject();
            answer.write(g);
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    /**
     * Compiles the request path of each protocol before the first producer arrives; counted on a
     * stream nobody uses.
     */
    private void warmUp() throws IOException {
        byte[] data = new byte[200];
        for (Protocol protocol : Protocol.values()) {
            byte[] body = write(protocol, g -> {
                g.writeStringField("StreamName", "_warm-up");
                g.writeArrayFieldStart("Records");
                for (int i = 0; i < 500; i++) {
                    g.writeStartObject();
                    g.writeBinaryField("Data", data);
                    g.writeStringField("PartitionKey", "k" + i);
                    if (i % 2 == 0) {
                        g.writeStringField("ExplicitHashKey", Integer.toString(i));
                    }
                    g.writeEndObject();
                }
                g.writeEndArray();
            });
            for (int i = 0; i < 300; i++) {
                answer(protocol, "PutRecords", body);
            }
        }
        stats.remove("_warm-up");
    }

    /** Loads {@code keystore}, first making it with {@code keytool} (RSA, SAN IP:127.0.0.1) if absent. */
    static KeyManagerFactory keyManagers(Path keystore) throws Exception {
        if (!Files.exists(keystore)) {
            Files.createDirectories(keystore.toAbsolutePath().getParent());
            Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair", "-alias", "null-endpoint", "-keyalg", "RSA", "-keysize", "2048",
                    "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "30",
                    "-storetype", "PKCS12", "-keystore", keystore.toString(),
                    "-storepass", PASSWORD, "-keypass", PASSWORD)
                    .inheritIO().start();
            if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
                keytool.destroyForcibly();
                throw new IllegalStateException("keytool failed to make " + keystore);
            }
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(trustStore(keystore), PASSWORD.toCharArray());
        return kmf;
    }

    /** The keystore as a trust store, for clients of this server. */
    static KeyStore trustStore(Path keystore) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        return ks;
    }

    private String stats(URI uri) {
        String query = uri.getQuery() == null ? "" : uri.getQuery();
        String stream = query.startsWith("stream=") ? query.substring(7) : "";
        Stats s = stats.getOrDefault(stream, new Stats());
        return "requests=" + s.requests.sum() + "\nkinesisRecords=" + s.kinesisRecords.sum()
                + "\nrawKinesisRecords=" + s.rawKinesisRecords.sum() + "\nuserRecords=" + s.userRecords.sum()
                + "\ndataBytes=" + s.dataBytes.sum() + "\ncborRequests=" + s.cborRequests.sum() + "\n"
                + operations.entrySet().stream().map(e -> "operation." + e.getKey() + "=" + e.getValue().sum() + "\n")
                        .sorted().collect(Collectors.joining())
                + protocols.entrySet().stream()
                        .map(e -> "protocol." + e.getKey().name().toLowerCase() + "=" + e.getValue().sum() + "\n")
                        .collect(Collectors.joining());
    }

    private static String streamName(Protocol protocol, byte[] body) throws IOException {
        try (JsonParser p = protocol.factory.createParser(body)) {
            expect(p.nextToken(), JsonToken.START_OBJECT);
            String stream = "";
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.getCurrentName();
                p.nextToken();
                if ("StreamName".equals(field)) {
                    stream = p.getText();
                } else if ("StreamARN".equals(field) && stream.isEmpty()) {
                    stream = p.getText().substring(p.getText().lastIndexOf('/') + 1);
                } else {
                    p.skipChildren();
                }
            }
            return stream;
        }
    }

    /** One Kinesis record of a request, parsed. */
    private final class Entry {
        String partitionKey;
        String explicitHashKey;
        byte[] data;

        void parse(JsonParser p) throws IOException {
            expect(p.currentToken(), JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.getCurrentName();
                p.nextToken();
                switch (field) {
                    case "PartitionKey" -> partitionKey = p.getText();
                    case "ExplicitHashKey" -> explicitHashKey = p.getText();
                    case "Data" -> data = p.getBinaryValue();
                    default -> p.skipChildren();
                }
            }
        }

        /** Counts it, and appends its result entry in JSON. */
        void accept(Stats s, StringBuilder out) {
            count(s);
            out.append("{\"SequenceNumber\":\"").append(nextSequenceNumber())
                    .append("\",\"ShardId\":\"").append(shardId()).append("\"}");
        }

        /** Counts it, and writes its result entry's fields in {@code out}'s protocol. */
        void accept(Stats s, JsonGenerator out) throws IOException {
            count(s);
            out.writeStringField("SequenceNumber", nextSequenceNumber());
            out.writeStringField("ShardId", shardId());
        }

        private void count(Stats s) {
            s.kinesisRecords.increment();
            s.dataBytes.add(data.length);
            long users = userRecords(data);
            if (users < 0) {
                s.rawKinesisRecords.increment();
                s.userRecords.increment();
            } else {
                s.userRecords.add(users);
            }
        }

        private String nextSequenceNumber() {
            return sequenceNumber(sequence.incrementAndGet());
        }

        private String shardId() {
            return shardIds[shardOf(partitionKey, explicitHashKey)];
        }
    }

    /** The counters of {@code stream}, with one more request in {@code protocol}. */
    private Stats request(String stream, Protocol protocol) {
        Stats s = stats.computeIfAbsent(stream, k -> new Stats());
        s.requests.increment();
        if (protocol == Protocol.CBOR) {
            s.cborRequests.increment();
        }
        return s;
    }

    /**
     * Parses a PutRecords request, counts it and answers it. In JSON, every JSON benchmark's hot path,
     * the answer is built as text, as it always was: Jackson's generator would cost the endpoint some
     * 10 % more CPU here, on the 2 cores it shares with the producer under test.
     */
    private byte[] putRecords(Protocol protocol, byte[] body) throws IOException {
        String stream = "";
        List<Entry> pending = new ArrayList<>();
        try (JsonParser p = protocol.factory.createParser(body)) {
            expect(p.nextToken(), JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.getCurrentName();
                JsonToken value = p.nextToken();
                if ("Records".equals(field)) {
                    expect(value, JsonToken.START_ARRAY);
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        Entry e = new Entry();
                        e.parse(p);
                        pending.add(e);
                    }
                } else if ("StreamName".equals(field)) {
                    stream = p.getText();
                } else if ("StreamARN".equals(field) && stream.isEmpty()) {
                    stream = p.getText().substring(p.getText().lastIndexOf('/') + 1);
                } else {
                    p.skipChildren();
                }
            }
        }
        Stats s = request(stream, protocol);
        if (protocol == Protocol.JSON) {
            StringBuilder records = new StringBuilder(64 * 1024);
            int count = 0;
            for (Entry e : pending) {
                if (count++ > 0) {
                    records.append(',');
                }
                e.accept(s, records);
            }
            return ("{\"FailedRecordCount\":0,\"Records\":[" + records + "]}").getBytes(StandardCharsets.UTF_8);
        }
        return write(protocol, g -> {
            g.writeNumberField("FailedRecordCount", 0);
            g.writeArrayFieldStart("Records");
            for (Entry e : pending) {
                g.writeStartObject();
                e.accept(s, g);
                g.writeEndObject();
            }
            g.writeEndArray();
        });
    }

    /** Parses a PutRecord request, counts it and answers it (in JSON as text, as PutRecords does). */
    private byte[] putRecord(Protocol protocol, byte[] body) throws IOException {
        Entry e = new Entry();
        String stream = "";
        try (JsonParser p = protocol.factory.createParser(body)) {
            expect(p.nextToken(), JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.getCurrentName();
                p.nextToken();
                switch (field) {
                    case "PartitionKey" -> e.partitionKey = p.getText();
                    case "ExplicitHashKey" -> e.explicitHashKey = p.getText();
                    case "Data" -> e.data = p.getBinaryValue();
                    case "StreamName" -> stream = p.getText();
                    default -> p.skipChildren();
                }
            }
        }
        Stats s = request(stream, protocol);
        if (protocol == Protocol.JSON) {
            StringBuilder out = new StringBuilder();
            e.accept(s, out);
            return out.toString().getBytes(StandardCharsets.UTF_8);
        }
        return write(protocol, g -> e.accept(s, g));
    }

    /** The {@code Shards} list of ListShards and DescribeStream. */
    private void writeShards(JsonGenerator g) throws IOException {
        g.writeArrayFieldStart("Shards");
        for (int i = 0; i < shards; i++) {
            g.writeStartObject();
            g.writeStringField("ShardId", shardIds[i]);
            g.writeObjectFieldStart("HashKeyRange");
            g.writeStringField("StartingHashKey", starts[i].toString());
            g.writeStringField("EndingHashKey", ends[i].toString());
            g.writeEndObject();
            g.writeObjectFieldStart("SequenceNumberRange");
            g.writeStringField("StartingSequenceNumber", sequenceNumber(0));
            g.writeEndObject();
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private Answer describeStream(Protocol protocol, String stream) {
        return g -> {
            g.writeObjectFieldStart("StreamDescription");
            writeStreamHead(g, stream);
            writeShards(g);
            g.writeBooleanField("HasMoreShards", false);
            writeStreamTail(protocol, g);
            g.writeEndObject();
        };
    }

    private Answer describeStreamSummary(Protocol protocol, String stream) {
        return g -> {
            g.writeObjectFieldStart("StreamDescriptionSummary");
            writeStreamHead(g, stream);
            writeStreamTail(protocol, g);
            g.writeNumberField("OpenShardCount", shards);
            g.writeNumberField("ConsumerCount", 0);
            g.writeEndObject();
        };
    }

    /** The fields DescribeStream and DescribeStreamSummary begin with. */
    private static void writeStreamHead(JsonGenerator g, String stream) throws IOException {
        g.writeStringField("StreamName", stream);
        g.writeStringField("StreamARN", arn(stream));
        g.writeStringField("StreamStatus", "ACTIVE");
        g.writeObjectFieldStart("StreamModeDetails");
        g.writeStringField("StreamMode", "PROVISIONED");
        g.writeEndObject();
    }

    /** The fields DescribeStream writes after its shards and DescribeStreamSummary after its head. */
    private void writeStreamTail(Protocol protocol, JsonGenerator g) throws IOException {
        g.writeNumberField("RetentionPeriodHours", 24);
        protocol.writeTimestamp(g, "StreamCreationTimestamp", created);
        g.writeArrayFieldStart("EnhancedMonitoring");
        g.writeStartObject();
        g.writeArrayFieldStart("ShardLevelMetrics");
        g.writeEndArray();
        g.writeEndObject();
        g.writeEndArray();
        g.writeStringField("EncryptionType", "NONE");
    }

    /** A 56-digit decimal, as Kinesis sequence numbers are. */
    static String sequenceNumber(long n) {
        String digits = Long.toString(n);
        return SEQUENCE_PREFIX.substring(0, 56 - digits.length()) + digits;
    }

    private static String arn(String stream) {
        return "arn:aws:kinesis:us-east-1:000000000000:stream/" + stream;
    }

    private int shardOf(String partitionKey, String explicitHashKey) {
        BigInteger hash;
        if (explicitHashKey != null) {
            hash = new BigInteger(explicitHashKey);
        } else {
            hash = new BigInteger(1, MD5.get().digest(partitionKey.getBytes(StandardCharsets.UTF_8)));
        }
        for (int i = 0; i < shards - 1; i++) {
            if (hash.compareTo(ends[i]) <= 0) {
                return i;
            }
        }
        return shards - 1;
    }

    /**
     * The number of sub-records of an aggregate (field 3 of the protobuf between the magic and the
     * 16-byte MD5), or -1 if {@code data} is not an aggregate.
     */
    static long userRecords(byte[] data) {
        if (data.length < MAGIC.length + 16) {
            return -1;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (data[i] != MAGIC[i]) {
                return -1;
            }
        }
        int pos = MAGIC.length;
        int end = data.length - 16;
        long count = 0;
        while (pos < end) {
            long[] tag = varint(data, pos);
            pos = (int) tag[1];
            int wireType = (int) (tag[0] & 7);
            if (wireType == 2) {
                long[] length = varint(data, pos);
                pos = (int) (length[1] + length[0]);
                if ((tag[0] >>> 3) == 3) {
                    count++;
                }
            } else if (wireType == 0) {
                pos = (int) varint(data, pos)[1];
            } else {
                return -1;
            }
        }
        return pos == end ? count : -1;
    }

    private static long[] varint(byte[] data, int pos) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = data[pos++];
            value |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return new long[] {value, pos};
            }
        }
        throw new IllegalArgumentException("varint too long");
    }

    private static void expect(JsonToken actual, JsonToken expected) throws IOException {
        if (actual != expected) {
            throw new IOException("expected " + expected + ", got " + actual);
        }
    }
}
