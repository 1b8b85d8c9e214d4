///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//REPOS central
//DEPS org.apache.camel:camel-bom:4.17.0@pom
//DEPS org.apache.camel:camel-jbang-core
//DEPS org.apache.camel.kamelets:camel-kamelets:4.16.0

import org.apache.camel.dsl.jbang.core.commands.CamelJBangMain;

/**
 * The Camel CLI (Camel JBang) entry point, the same one that `jbang app install camel@apache/camel`
 * installs, pinned to the Camel version this project is built and tested with.
 * Without jbang, bin/camel runs it on the jars listed in pom.xml beside this file.
 */
public class CamelCli {
    public static void main(String... args) {
        CamelJBangMain.run(args);
    }
}
