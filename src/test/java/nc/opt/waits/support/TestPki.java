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
        keytool(dir, "-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=" + caName, "-ext", "bc:c", "-ext", "ku:c=keyCertSign,cRLSign",
                "-keystore", ca, "-storetype", "PKCS12", "-storepass", storePass);
        keytool(dir, "-exportcert", "-rfc", "-alias", "ca", "-keystore", ca, "-storepass", storePass, "-file", dir.resolve("ca.pem").toString());
        // clientAuth too: a Kafka broker is a client of the others
        signedKeystore(dir, "server.p12", "server", storePass, storePass, "CN=localhost",
                "-ext", "san=ip:127.0.0.1,dns:localhost", "-ext", "eku=serverAuth,clientAuth");
    }

    /**
     * A client's key store for mutual TLS: dir/fileName (PKCS12, password storePass) with a key for
     * the common name cn and its certificate signed by the CA of {@link #make} (made with caStorePass).
     */
    public static Path clientKeystore(Path dir, String fileName, String storePass, String caStorePass, String cn) throws Exception {
        return signedKeystore(dir, fileName, "client", storePass, caStorePass, "CN=" + cn, "-ext", "eku=clientAuth");
    }

    /**
     * dir/fileName (PKCS12, password storePass): a new key under alias, its certificate for dname
     * signed by the CA of dir/ca.p12 (password caStorePass) with the extensions given, and the CA's.
     */
    private static Path signedKeystore(Path dir, String fileName, String alias, String storePass, String caStorePass,
                                       String dname, String... extensions) throws Exception {
        String store = dir.resolve(fileName).toString();
        String csr = store + ".csr";
        String pem = store + ".pem";
        keytool(dir, "-genkeypair", "-alias", alias, "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", dname, "-keystore", store, "-storetype", "PKCS12", "-storepass", storePass);
        keytool(dir, "-certreq", "-alias", alias, "-keystore", store, "-storepass", storePass, "-file", csr);
        List<String> gencert = new ArrayList<>(List.of("-gencert", "-alias", "ca", "-keystore", dir.resolve("ca.p12").toString(),
                "-storepass", caStorePass, "-infile", csr, "-outfile", pem, "-rfc", "-validity", "2",
                "-ext", "ku:c=digitalSignature,keyEncipherment"));
        gencert.addAll(List.of(extensions));
        keytool(dir, gencert.toArray(new String[0]));
        keytool(dir, "-importcert", "-noprompt", "-alias", "ca", "-file", dir.resolve("ca.pem").toString(),
                "-keystore", store, "-storepass", storePass);
        keytool(dir, "-importcert", "-alias", alias, "-file", pem, "-keystore", store, "-storepass", storePass);
        return Path.of(store);
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
