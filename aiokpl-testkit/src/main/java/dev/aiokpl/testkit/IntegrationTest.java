package dev.aiokpl.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Marks a test class or method that talks to a local Kinesis emulator (JUnit tag
 * {@value #TAG}), so a build can select or skip them: {@code mvn verify -Dgroups=integration}
 * or {@code -DexcludedGroups=integration}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Tag(IntegrationTest.TAG)
public @interface IntegrationTest {

    /** The JUnit tag. */
    String TAG = "integration";
}
