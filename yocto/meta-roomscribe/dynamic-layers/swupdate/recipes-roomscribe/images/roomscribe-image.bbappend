# With meta-swupdate in the build, the appliance image can take A/B updates: swupdate itself
# (without its web server: updates arrive through swupdate-client or a suricatta server you add),
# the slot selection and the boot gate (roomscribe-update-config), and the root file system
# archive the update image (roomscribe-update) carries.
IMAGE_INSTALL:append = " roomscribe-update-config swupdate swupdate-client"
IMAGE_FSTYPES:append = " tar.gz"
