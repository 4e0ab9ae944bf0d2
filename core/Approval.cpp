#include "Approval.h"

namespace Elevate {

const ApprovalStep* Approval::actionableStep() const
{
    for (const ApprovalStep& step : steps) {
        if (step.status == ApprovalStepStatus::InProgress && step.assignedToMe) {
            return &step;
        }
    }
    return nullptr;
}

} // namespace Elevate
