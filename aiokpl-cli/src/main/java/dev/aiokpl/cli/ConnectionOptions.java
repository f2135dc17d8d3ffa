package dev.aiokpl.cli;

import java.net.URI;
import picocli.CommandLine.Option;

/** Where Kinesis is: {@code --endpoint}, {@code --region}, {@code --trust-all-certificates}. */
final class ConnectionOptions {

    @Option(names = "--endpoint", paramLabel = "URL",
            description = "Kinesis endpoint instead of the region's (for example http://127.0.0.1:4568). On"
                    + " 127.0.0.1 or localhost, fake credentials are used unless AWS_ACCESS_KEY_ID is set.")
    URI endpoint;

    @Option(names = "--region", paramLabel = "REGION",
            description = "AWS region of the stream. Default: AWS_REGION, then the AWS profile's region"
                    + " (us-east-1 with a local --endpoint).")
    String region;

    @Option(names = "--trust-all-certificates",
            description = "Accept any TLS certificate (self-signed local emulators only).")
    Boolean trustAllCertificates;

    /** Whether either of --endpoint and --region was given: the user points at a Kinesis of their own. */
    boolean given() {
        return endpoint != null || region != null;
    }
}
