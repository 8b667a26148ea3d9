/**
 * What every Sagaline HTTP API shares: who may call it. Three accounts, each over HTTP Basic:
 * the {@code operator} may change anything, the {@code client} (a shop's backend) may place
 * orders, the {@code viewer} may read. Reads are open unless {@code sagaline.security.reads} is
 * {@code viewer}; see {@link io.sagaline.web.AccessProperties}. A service names what its client
 * may do with a {@link io.sagaline.web.ClientRequests} bean.
 */
@NullMarked
package io.sagaline.web;

import org.jspecify.annotations.NullMarked;
