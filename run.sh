cd /work/main
git show HEAD:src/main/java/dev/renderbank/account/BuyPage.java > src/main/java/dev/renderbank/account/BuyPage.java
git show HEAD:src/main/java/dev/renderbank/identity/internal/SignupMailProductionCheck.java > src/main/java/dev/renderbank/identity/internal/SignupMailProductionCheck.java
echo "=== OLD"
./mvnw -q -o -Dmaven-dependency-plugin.version=3.11.0 -Dtest='CreditsPageTest,ProductionGuardTest' -Dsurefire.failIfNoSpecifiedTests=false test 2>&1 | grep -E "Tests run:|ERROR]   " | head
cp /tmp/ff/BuyPage.java src/main/java/dev/renderbank/account/BuyPage.java
cp /tmp/ff/SignupMailProductionCheck.java src/main/java/dev/renderbank/identity/internal/SignupMailProductionCheck.java
echo "=== NEW"
./mvnw -q -o -Dmaven-dependency-plugin.version=3.11.0 -Dtest='CreditsPageTest,ProductionGuardTest' -Dsurefire.failIfNoSpecifiedTests=false test 2>&1 | grep -E "Tests run:|ERROR]   " | head
echo done
