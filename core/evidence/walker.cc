#include "core/evidence/walker.h"
