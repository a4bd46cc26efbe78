# One line naming the Debian package for each missing build tool.
toolcheck:
	@command -v $(CC) >/dev/null || { echo "error: gcc not found; install it with: apt-get install -y gcc"; exit 1; }
	@command -v $(LD) >/dev/null || { echo "error: ld not found; install it with: apt-get install -y binutils"; exit 1; }
	@command -v $(OBJCOPY) >/dev/null || { echo "error: objcopy not found; install it with: apt-get install -y binutils"; exit 1; }
	@command -v $(PYTHON) >/dev/null || { echo "error: python3 not found; install it with: apt-get install -y python3"; exit 1; }
.PHONY: toolcheck
