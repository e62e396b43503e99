# Developer entry points. `make test` and `make demo` work from a clean clone.
.PHONY: test demo sanity lint docs docsite build pytest molecule matrix bench setup clean

test:
	./scripts/test.sh all

demo:
	./scripts/demo.sh

sanity lint docs docsite build pytest molecule matrix bench setup:
	./scripts/test.sh $@

clean:
	rm -rf $${ACK_BUILD_DIR:-/tmp/alicloud-ack-build} tests/output
