"""The simulated portal network: an HTTP(S) proxy on 127.0.0.1 that serves many *.gov.vn virtual hosts.

Test and demo support only: product code never imports it.
"""
