<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US" sourcelanguage="en">
<context>
    <name>AutogradTab</name>
    <message numerus="yes">
        <source>No Zero grad since the last Backward: each .grad now holds the sum of %n backward passes. This is the classic bug: call optimizer.zero_grad() before loss.backward().</source>
        <translation>
            <numerusform>No Zero grad since the last Backward: each .grad now holds the sum of %n backward pass. This is the classic bug: call optimizer.zero_grad() before loss.backward().</numerusform>
            <numerusform>No Zero grad since the last Backward: each .grad now holds the sum of %n backward passes. This is the classic bug: call optimizer.zero_grad() before loss.backward().</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FineTuneJob</name>
    <message numerus="yes">
        <source>Learning from your %n drawing(s), mixed with MNIST…</source>
        <translation>
            <numerusform>Learning from your %n drawing, mixed with MNIST…</numerusform>
            <numerusform>Learning from your %n drawings, mixed with MNIST…</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>GraphView</name>
    <message numerus="yes">
        <source>%n operation(s): click to open</source>
        <translation>
            <numerusform>%n operation: click to open</numerusform>
            <numerusform>%n operations: click to open</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PersonalPanel</name>
    <message numerus="yes">
        <source>Saved as a {0} ({1}). Your set holds %n drawing(s).</source>
        <translation>
            <numerusform>Saved as a {0} ({1}). Your set holds %n drawing.</numerusform>
            <numerusform>Saved as a {0} ({1}). Your set holds %n drawings.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Fine-tune the model on your %n drawing(s), mixed with MNIST.</source>
        <translation>
            <numerusform>Fine-tune the model on your %n drawing, mixed with MNIST.</numerusform>
            <numerusform>Fine-tune the model on your %n drawings, mixed with MNIST.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Learning needs at least {0} drawings; your set holds %n. Draw a digit and press its key or button to add one.</source>
        <translation>
            <numerusform>Learning needs at least {0} drawings; your set holds %n. Draw a digit and press its key or button to add one.</numerusform>
            <numerusform>Learning needs at least {0} drawings; your set holds %n. Draw a digit and press its key or button to add one.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Your set now holds %n drawing(s).</source>
        <translation>
            <numerusform>Your set now holds %n drawing.</numerusform>
            <numerusform>Your set now holds %n drawings.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PersonalSetDialog</name>
    <message numerus="yes">
        <source>%n drawing(s)</source>
        <translation>
            <numerusform>%n drawing</numerusform>
            <numerusform>%n drawings</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Delete %n selected drawing(s) from your personal set?</source>
        <translation>
            <numerusform>Delete the selected drawing from your personal set?</numerusform>
            <numerusform>Delete %n selected drawings from your personal set?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n drawing(s) moved to {0}.</source>
        <translation>
            <numerusform>%n drawing moved to {0}.</numerusform>
            <numerusform>%n drawings moved to {0}.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Delete all %n drawing(s) of your personal set?</source>
        <translation>
            <numerusform>Delete the one drawing of your personal set?</numerusform>
            <numerusform>Delete all %n drawings of your personal set?</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RegressionTab</name>
    <message numerus="yes">
        <source>Converged after %n steps.</source>
        <translation>
            <numerusform>Converged after %n step.</numerusform>
            <numerusform>Converged after %n steps.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TrainTab</name>
    <message numerus="yes">
        <source>%n test digits it got wrong (true → said)</source>
        <translation>
            <numerusform>%n test digit it got wrong (true → said)</numerusform>
            <numerusform>%n test digits it got wrong (true → said)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The first %n of them</source>
        <translation>
            <numerusform>The first %n of them</numerusform>
            <numerusform>The first %n of them</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Finished %n epochs: {0} test accuracy</source>
        <translation>
            <numerusform>Finished %n epoch: {0} test accuracy</numerusform>
            <numerusform>Finished %n epochs: {0} test accuracy</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Stopped by request after %n steps; {0} test accuracy</source>
        <translation>
            <numerusform>Stopped by request after %n step; {0} test accuracy</numerusform>
            <numerusform>Stopped by request after %n steps; {0} test accuracy</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Stopped by request after %n steps</source>
        <translation>
            <numerusform>Stopped by request after %n step</numerusform>
            <numerusform>Stopped by request after %n steps</numerusform>
        </translation>
    </message>
</context>
</TS>
