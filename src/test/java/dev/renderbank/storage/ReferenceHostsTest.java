package dev.renderbank.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reference image URLs are judged by the download address rules, with names resolved by a fake DNS. */
class ReferenceHostsTest {

    private static InetAddress[] dns(String host) throws UnknownHostException {
        return switch (host) {
            case "cdn.example.com" -> new InetAddress[] {InetAddress.getByName("93.184.216.34")};
            case "localhost" -> new InetAddress[] {InetAddress.getByName("127.0.0.1")};
            case "metadata.google.internal" -> new InetAddress[] {InetAddress.getByName("169.254.169.254")};
            case "mixed.example.com" ->
                new InetAddress[] {InetAddress.getByName("93.184.216.34"), InetAddress.getByName("10.0.0.1")};
            default -> {
                if (host.matches("[0-9.]+") || host.contains(":")) {
                    yield InetAddress.getAllByName(host); // literals: no lookup
                }
                throw new UnknownHostException(host);
            }
        };
    }

    private final ReferenceHosts production = ReferenceHosts.publicOnly().withResolver(ReferenceHostsTest::dns);
    private final ReferenceHosts simulator = ReferenceHosts.publicOrLoopback().withResolver(ReferenceHostsTest::dns);

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://169.254.169.254/latest/meta-data/",
                "http://metadata.google.internal/computeMetadata/v1/",
                "http://localhost:8080/admin",
                "http://127.0.0.1/x.png",
                "http://[::1]/x.png",
                "http://10.1.2.3/x.png",
                "http://mixed.example.com/x.png",
                "http://[::ffff:169.254.169.254]/",
                "http://2130706433/x.png",
                "http://0x7f000001/x.png",
                "http://0177.0.0.1/x.png",
                // names that resolve nowhere public, whatever this machine's resolver says
                "http://db.corp.internal/x.png",
                "http://printer.local/x.png",
                "http://instance-data/latest/",
                // the same names written fully qualified, with the root's trailing dot
                "http://metadata.google.internal./computeMetadata/v1/",
                "http://db.corp.internal./x.png",
                "http://printer.local./x.png",
                "http://instance-data./latest/",
                "https://user:pass@cdn.example.com/a.png"
            })
    void productionRefusesEverythingNotOnThePublicInternet(String url) {
        assertThat(production.refusal(url)).isPresent();
    }

    @Test
    void productionAllowsPublicHostsAndNamesItCannotResolve() {
        assertThat(production.refusal("https://cdn.example.com/a.png")).isEmpty();
        assertThat(production.refusal("https://93.184.216.34/a.png")).isEmpty();
        // resolved by the provider on its own network
        assertThat(production.refusal("https://unknown.example.org/a.png")).isEmpty();
    }

    @Test
    void theSimulatorAllowsLoopbackButNothingElsePrivate() {
        assertThat(simulator.refusal("http://127.0.0.1:8080/sim/kie/ref.png")).isEmpty();
        assertThat(simulator.refusal("http://localhost:8080/ref.png")).isEmpty();
        assertThat(simulator.refusal("http://[::1]/ref.png")).isEmpty();
        assertThat(simulator.refusal("http://169.254.169.254/latest/meta-data/"))
                .isPresent();
        assertThat(simulator.refusal("http://192.168.0.10/ref.png")).isPresent();
        assertThat(simulator.refusal("http://0.0.0.0/ref.png")).isPresent();
    }
}
