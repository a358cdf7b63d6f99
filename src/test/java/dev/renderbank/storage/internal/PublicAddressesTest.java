package dev.renderbank.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PublicAddressesTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "127.0.0.1",
                "127.255.255.254",
                "0.0.0.0",
                "10.0.0.1",
                "10.255.255.255",
                "172.16.0.1",
                "172.31.255.255",
                "192.168.1.1",
                "169.254.169.254",
                "169.254.0.1",
                "100.64.0.1",
                "100.127.255.255",
                "192.0.0.8",
                "198.18.0.1",
                "224.0.0.1",
                "239.255.255.250",
                "255.255.255.255",
                "::1",
                "::",
                "fc00::1",
                "fd12:3456::1",
                "fe80::1",
                "febf::1",
                "fec0::1",
                "ff02::1",
                "::ffff:127.0.0.1",
                "::ffff:169.254.169.254",
                "::ffff:10.1.2.3",
                "::127.0.0.1",
                "64:ff9b::a9fe:a9fe",
                "64:ff9b::7f00:1",
                "2002:7f00:1::1",
                "2002:a9fe:a9fe::1",
                "2001:db8::1"
            })
    void refusesLocalPrivateAndMetadataAddresses(String literal) throws Exception {
        assertThat(PublicAddresses.isPublic(InetAddress.getByName(literal))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "8.8.8.8",
                "1.1.1.1",
                "93.184.216.34",
                "172.32.0.1",
                "172.15.255.255",
                "100.128.0.1",
                "100.63.255.255",
                "169.253.255.255",
                "11.0.0.1",
                "2606:4700:4700::1111",
                "2a00:1450:4001::200e",
                "64:ff9b::808:808",
                "2002:808:808::1"
            })
    void acceptsPublicAddresses(String literal) throws Exception {
        assertThat(PublicAddresses.isPublic(InetAddress.getByName(literal))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "169.254.169.254", "10.0.0.1", "192.168.0.1", "100.64.0.1"})
    void judgesIpv4MappedIpv6ObjectsByTheirIpv4Address(String v4) throws Exception {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(InetAddress.getByName(v4).getAddress(), 0, mapped, 12, 4);
        // Inet6Address.getByAddress keeps the IPv6 form instead of converting to Inet4Address
        InetAddress address = Inet6Address.getByAddress(null, mapped, -1);

        assertThat(address).isInstanceOf(Inet6Address.class);
        assertThat(PublicAddresses.isPublic(address)).isFalse();
    }
}
