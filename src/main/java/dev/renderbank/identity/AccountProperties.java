package dev.renderbank.identity;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param addressHashSecret key of the HMAC that stores "this address already had its sign-up bonus"
 *     without the address (base64 or any text of at least 32 characters); unset outside {@code prod}:
 *     a random one is created and kept in {@code ${renderbank.data-dir}/address-hash.key}; required in
 *     {@code prod}. Changing it forgets which addresses had their bonus.
 */
@ConfigurationProperties("renderbank.accounts")
public record AccountProperties(String addressHashSecret) {

    @Override
    public String toString() {
        return "AccountProperties[addressHashSecret=" + (addressHashSecret == null ? "unset" : "***") + "]";
    }
}
