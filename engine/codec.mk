# IKEv2 message codec (payloads, message rules, names): sources and tests.
