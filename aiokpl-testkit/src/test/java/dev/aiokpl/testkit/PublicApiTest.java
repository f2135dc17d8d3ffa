package dev.aiokpl.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiokpl.Producer;
import dev.aiokpl.sinks.MetricsSink;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The API packages ({@code dev.aiokpl}, {@code dev.aiokpl.sinks}, {@code dev.aiokpl.testkit})
 * expose no internal type: no public or protected member of their public types mentions a
 * {@code dev.aiokpl.internal} type, and the producer's implementation is not among them.
 */
class PublicApiTest {

    @Test
    void noInternalTypeInAPublicSignature() throws Exception {
        List<Class<?>> api = new ArrayList<>();
        api.addAll(publicClasses(Producer.class, "dev/aiokpl/"));
        api.addAll(publicClasses(MetricsSink.class, "dev/aiokpl/sinks/"));
        api.addAll(publicClasses(MockProducer.class, "dev/aiokpl/testkit/"));
        assertThat(api).contains(Producer.class, MetricsSink.class, MockProducer.class, MockProducer.Builder.class);

        List<String> leaks = new ArrayList<>();
        for (Class<?> c : api) {
            check(c + " extends", c.getGenericSuperclass(), leaks);
            for (Type t : c.getGenericInterfaces()) {
                check(c + " implements", t, leaks);
            }
            for (Field f : c.getDeclaredFields()) {
                if (exposed(f.getModifiers())) {
                    check(f.toString(), f.getGenericType(), leaks);
                }
            }
            List<Executable> members = new ArrayList<>(List.of(c.getDeclaredMethods()));
            members.addAll(List.<Constructor<?>>of(c.getDeclaredConstructors()));
            for (Executable m : members) {
                if (!exposed(m.getModifiers()) || m.isSynthetic()) {
                    continue;
                }
                if (m instanceof Method method) {
                    check(m.toString(), method.getGenericReturnType(), leaks);
                }
                for (Type t : m.getGenericParameterTypes()) {
                    check(m.toString(), t, leaks);
                }
                for (Type t : m.getGenericExceptionTypes()) {
                    check(m.toString(), t, leaks);
                }
            }
        }
        assertThat(leaks).isEmpty();
    }

    @Test
    void producerIsAnInterfaceWhoseImplementationIsInternal() {
        assertThat(Producer.class.isInterface()).isTrue();
        Producer real = Producer.create(dev.aiokpl.Config.builder().region("us-east-1").build(),
                software.amazon.awssdk.services.kinesis.KinesisAsyncClient.builder()
                        .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                        .credentialsProvider(software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider.create())
                        .build());
        try {
            assertThat(real.getClass().getPackageName()).startsWith("dev.aiokpl.internal");
        } finally {
            real.close();
        }
    }

    private static boolean exposed(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static void check(String where, Type type, List<String> leaks) {
        if (type == null) {
            return;
        }
        if (type instanceof Class<?> c) {
            Class<?> component = c;
            while (component.isArray()) {
                component = component.getComponentType();
            }
            if (component.getName().startsWith("dev.aiokpl.internal")) {
                leaks.add(where + " -> " + component.getName());
            }
        } else if (type instanceof ParameterizedType p) {
            check(where, p.getRawType(), leaks);
            for (Type a : p.getActualTypeArguments()) {
                check(where, a, leaks);
            }
        } else if (type instanceof GenericArrayType g) {
            check(where, g.getGenericComponentType(), leaks);
        } else if (type instanceof WildcardType w) {
            Stream.concat(Stream.of(w.getUpperBounds()), Stream.of(w.getLowerBounds())).forEach(t -> check(where, t, leaks));
        } else if (type instanceof TypeVariable<?> v) {
            for (Type b : v.getBounds()) {
                check(where, b, leaks);
            }
        }
    }

    /** The public classes (nested ones included) directly in the package of {@code anchor}, from its jar or directory. */
    private static List<Class<?>> publicClasses(Class<?> anchor, String packagePath) throws IOException,
            URISyntaxException, ClassNotFoundException {
        Path location = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(location)) {
            try (Stream<Path> files = Files.list(location.resolve(packagePath))) {
                files.map(f -> packagePath + f.getFileName()).forEach(names::add);
            }
        } else {
            try (JarFile jar = new JarFile(location.toFile())) {
                for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements();) {
                    String name = e.nextElement().getName();
                    if (name.startsWith(packagePath) && name.indexOf('/', packagePath.length()) < 0) {
                        names.add(name);
                    }
                }
            }
        }
        List<Class<?>> classes = new ArrayList<>();
        for (String name : names) {
            if (!name.endsWith(".class") || name.endsWith("package-info.class")) {
                continue;
            }
            Class<?> c = Class.forName(name.substring(0, name.length() - ".class".length()).replace('/', '.'), false,
                    anchor.getClassLoader());
            if (Modifier.isPublic(c.getModifiers()) && !c.isAnonymousClass() && !c.isSynthetic()) {
                classes.add(c);
            }
        }
        return classes;
    }
}
