package dev.renderbank.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.IntegrationTest;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

/**
 * Tomcat parses form bodies itself, past the body cap's stream: its form limit is {@code
 * renderbank.http.max-body} as the application binds it ({@link HttpProperties}), whatever form the
 * setting takes. Here the setting is present but blank (an empty environment variable, say): the
 * bound value is the 1 MB default, while a raw {@code ${renderbank.http.max-body:1MB}} placeholder
 * gave Tomcat nothing and it kept its own 2 MB.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "renderbank.http.max-body=")
class FormLimitFollowsMaxBodyTest extends IntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    HttpProperties http;

    @Autowired
    WebServerApplicationContext context;

    @Test
    void tomcatsFormLimitIsTheBoundBodyCap() {
        assertThat(http.maxBody().toBytes()).isEqualTo(1024 * 1024);
        int formLimit = ((TomcatWebServer) context.getWebServer())
                .getTomcat()
                .getConnector()
                .getMaxPostSize();
        assertThat(formLimit).isEqualTo(1024 * 1024);
    }

    /** A chunked sign-in form of 1.5 MB (no length to refuse it by at once) is over the cap: 413. */
    @Test
    void aChunkedFormOverTheBoundCapIsRefused() throws Exception {
        String answer = chunkedForm("/login", 1536 * 1024);
        assertThat(answer).startsWith("HTTP/1.1 413");
    }

    private String chunkedForm(String path, int size) throws Exception {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost:" + port
                            + "\r\nContent-Type: application/x-www-form-urlencoded\r\nAccept: application/json"
                            + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            byte[] chunk = new byte[64 * 1024];
            Arrays.fill(chunk, (byte) 'a');
            chunk[0] = 'x';
            chunk[1] = '=';
            byte[] head = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
            try {
                for (int sent = 0; sent < size; sent += chunk.length) {
                    out.write(head);
                    out.write(chunk);
                    out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    chunk[0] = '&';
                    chunk[1] = 'y';
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            } catch (java.io.IOException closedEarly) {
                // the server may answer and close before the whole body is sent
            }
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
