package nc.opt.waits.support;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private CA and certificates signed by it (a server's, a client's for mutual TLS), made at test
 * time with the JDK's keytool, as an operator would make them for a secured OpenSearch or Kafka.
 */
public final class TestPki {
    private TestPki() {
    }

    /**
     * A CA and a server certificate for 127.0.0.1 and localhost: dir/ca.p12 (the CA's key),
     * dir/ca.pem (what clients are told to trust) and dir/server.p12 (the server's key with the
     * chain server, CA), every store PKCS12 with the password storePass.
     */
    public static void make(Path dir, String storePass, String caName) throws Exception {
        String ca = dir.resolve("ca.p12").toString();
        String server = dir.resolve("server.p12").toString();
        String csr = dir.resolve("server.csr").toString();
        String serverPem = dir.resolve("server.pem").toString();
        String caPem = dir.resolve("ca.pem").toString();
        keytool(dir, "-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=" + caName, "-ext", "bc:c", "-ext", "ku:c=keyCertSign,cRLSign",
                "-keystore", ca, "-storetype", "PKCS12", "-storepass", storePass);
        keytool(dir, "-exportcert", "-rfc", "-alias", "ca", "-keystore", ca, "-storepass", storePass, "-file", caPem);
        keytool(dir, "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-keystore", server, "-storetype", "PKCS12", "-storepass", storePass);
        keytool(dir, "-certreq", "-alias", "server", "-keystore", server, "-storepass", storePass, "-file", csr);
        keytool(dir, "-gencert", "-alias", "ca", "-keystore", ca, "-storepass", storePass, "-infile", csr, "-outfile", serverPem,
                "-rfc", "-validity", "2", "-ext", "san=ip:127.0.0.1,dns:localhost",
                "-ext", "ku:c=digitalSignature,keyEncipherment", "-ext", "eku=serverAuth,clientAuth"); // clientAuth too: a Kafka broker is a client of the others
        keytool(dir, "-importcert", "-noprompt", "-alias", "ca", "-file", caPem, "-keystore", server, "-storepass", storePass);
        keytool(dir, "-importcert", "-alias", "server", "-file", serverPem, "-keystore", server, "-storepass", storePass);
    }

    /**
     * A client's key store for mutual TLS: dir/fileName (PKCS12, password storePass) with a key for
     * the common name cn and its certificate signed by the CA of {@link #make} (made with caStorePass).
     */
    public static Path clientKeystore(Path dir, String fileName, String storePass, String caStorePass, String cn) throws Exception {
        Path store = dir.resolve(fileName);
        String csr = dir.resolve(fileName + ".csr").toString();
        String pem = dir.resolve(fileName + ".pem").toString();
        keytool(dir, "-genkeypair", "-alias", "client", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=" + cn, "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", storePass);
        keytool(dir, "-certreq", "-alias", "client", "-keystore", store.toString(), "-storepass", storePass, "-file", csr);
        keytool(dir, "-gencert", "-alias", "ca", "-keystore", dir.resolve("ca.p12").toString(), "-storepass", caStorePass,
                "-infile", csr, "-outfile", pem, "-rfc", "-validity", "2",
                "-ext", "ku:c=digitalSignature,keyEncipherment", "-ext", "eku=clientAuth");
        keytool(dir, "-importcert", "-noprompt", "-alias", "ca", "-file", dir.resolve("ca.pem").toString(),
                "-keystore", store.toString(), "-storepass", storePass);
        keytool(dir, "-importcert", "-alias", "client", "-file", pem, "-keystore", store.toString(), "-storepass", storePass);
        return store;
    }

    /** A PKCS12 trust store holding only the CA of {@link #make} (dir/ca.pem), as a client is given. */
    public static Path truststore(Path dir, String fileName, String storePass) throws Exception {
        Path store = dir.resolve(fileName);
        keytool(dir, "-importcert", "-noprompt", "-alias", "ca", "-file", dir.resolve("ca.pem").toString(),
                "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", storePass);
        return store;
    }

    static void keytool(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        File output = dir.resolve("keytool.log").toFile();
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output)).start();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool " + args[0] + " failed: " + Files.readString(output.toPath()));
        }
    }
}
