# Developer entry points. `make test` and `make demo` work from a clean clone.
.PHONY: test demo cloud-smoke sanity lint docs docsite build pytest molecule matrix bench setup clean

test:
	./scripts/test.sh all

demo:
	./scripts/demo.sh

# playbooks/cloud_smoke.yml against a REAL account (costs money; README "Cloud smoke test"): refuses without
# credentials or ARGS='-e i_understand_this_costs_money=true ...'
cloud-smoke:
	./scripts/cloud_smoke.sh $(ARGS)

sanity lint docs docsite build pytest molecule matrix bench setup:
	./scripts/test.sh $@

clean:
	rm -rf $${ACK_BUILD_DIR:-/tmp/alicloud-ack-build} tests/output
